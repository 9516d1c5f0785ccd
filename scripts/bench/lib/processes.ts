// Starts the services under test as child processes, each in its own process group, and stops
// every group it started, also when the run fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const started = new Set<ChildProcess>();

/** A free TCP port on the loopback address. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('The operating system gave no free port.');
  return address.port;
}

export interface ServiceOptions {
  repositoryRoot: string;
  /** Name of an npm script of the root package.json whose command is `node ...`. */
  script: string;
  port: number;
  environment: Record<string, string>;
  /** File that receives the service's standard output and error. */
  logFile: string;
}

export interface Service {
  script: string;
  /** Pid of the process group leader, which is also the group's id. */
  pid: number;
  child: ChildProcess;
}

/**
 * Runs the command of an npm script directly with node rather than through npm, so that the
 * measured process group contains only the service, and waits until its /health responds.
 */
export async function startService(options: ServiceOptions): Promise<Service> {
  const scripts = (JSON.parse(readFileSync(join(options.repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts[options.script]?.split(/\s+/) ?? [];
  if (command[0] !== 'node') throw new Error(`The npm script "${options.script}" is not a plain "node ..." command: ${scripts[options.script]}`);

  const output = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, command.slice(1), {
    cwd: options.repositoryRoot,
    env: { ...process.env, ...options.environment, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', output, output],
    detached: true,
  });
  closeSync(output);
  started.add(child);

  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${options.script} exited with code ${code} before it was ready; see ${options.logFile}.`);
  });
  exited.catch(() => {});
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) await exited;
    try {
      const response = await fetch(`http://127.0.0.1:${options.port}/health`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${options.script} did not respond on /health within 60 s; see ${options.logFile}.`);
    await sleep(100);
  }
  return { script: options.script, pid: child.pid!, child };
}

/** Stops the process groups of the given services: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopServices(services: Iterable<ChildProcess>, graceMs = 5000): Promise<void> {
  const running = [...services].filter((child) => child.exitCode === null && child.signalCode === null && child.pid !== undefined);
  const exits = running.map((child) => once(child, 'exit'));
  for (const child of running) signalGroup(child.pid!, 'SIGTERM');
  const timedOut = await Promise.race([Promise.all(exits).then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) for (const child of running) signalGroup(child.pid!, 'SIGKILL');
  // Also any process a service may have left behind in its group.
  for (const child of running) signalGroup(child.pid!, 'SIGKILL');
  for (const child of running) started.delete(child);
}

/** Stops every process group this run started. */
export function stopAllServices(): Promise<void> {
  return stopServices(started);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
