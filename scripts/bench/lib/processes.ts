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
  /** Name of the service in messages, such as "start:gateway". */
  name: string;
  /** Arguments of `node`, such as `['--import', 'tsx', 'gateway/main.ts']`. */
  nodeArguments: string[];
  /** Working folder of the process; `--import tsx` resolves from there. */
  cwd: string;
  port: number;
  environment: Record<string, string>;
  /** File that receives the service's standard output and error. */
  logFile: string;
}

export interface Service {
  name: string;
  /** Pid of the process group leader, which is also the group's id. */
  pid: number;
  child: ChildProcess;
}

/**
 * Returns the arguments of `node` in the command of an npm script of the root package.json, so
 * that the service runs without npm and the measured process group contains only the service.
 */
export function npmScriptArguments(repositoryRoot: string, script: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts[script]?.split(/\s+/) ?? [];
  if (command[0] !== 'node') throw new Error(`The npm script "${script}" is not a plain "node ..." command: ${scripts[script]}`);
  return command.slice(1);
}

/**
 * Returns the V8 and Node.js flags of `npm start` (those before `--import`), so that the monolith
 * and Hive Gateway run with the same runtime settings as Tandem's processes.
 */
export function runtimeFlags(repositoryRoot: string): string[] {
  const startArguments = npmScriptArguments(repositoryRoot, 'start');
  const importAt = startArguments.indexOf('--import');
  return importAt === -1 ? [] : startArguments.slice(0, importAt);
}

/**
 * Spawns a command in a process group of its own, with standard output and error appended to
 * `logFile`. `stopAllServices` stops the group too.
 */
export function spawnInGroup(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): ChildProcess {
  const output = openSync(options.logFile, 'a');
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', output, output], detached: true });
  closeSync(output);
  started.add(child);
  return child;
}

/**
 * Returns `--cpu-prof` arguments when BENCH_PROFILE names a folder, so that each service writes a
 * `.cpuprofile` there when it exits (`scripts/bench/profile-summary.ts` summarises them).
 */
function profileArguments(serviceName: string): string[] {
  const folder = process.env.BENCH_PROFILE;
  if (!folder) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${join(folder, serviceName.replace(/[^a-z0-9-]+/gi, '-'))}`];
}

/** Starts `node` with the given arguments in a process group of its own, and waits until its /health responds. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const child = spawnInGroup(process.execPath, [...profileArguments(options.name), ...options.nodeArguments], {
    cwd: options.cwd,
    env: { ...process.env, ...options.environment, PORT: String(options.port), HOST: '127.0.0.1' },
    logFile: options.logFile,
  });

  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${options.name} exited with code ${code} before it was ready; see ${options.logFile}.`);
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
    if (Date.now() > deadline) throw new Error(`${options.name} did not respond on /health within 60 s; see ${options.logFile}.`);
    await sleep(100);
  }
  return { name: options.name, pid: child.pid!, child };
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
