// Runs one load in a child process (load-worker.ts) and measures the target's processes around
// exactly the time the load runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from '../load-worker.js';
import { cpuMilliseconds, processesOfGroups, sampleResidentMemory } from './procfs.js';

const workerFile = fileURLToPath(new URL('../load-worker.ts', import.meta.url));
const workers = new Set<ChildProcess>();

/** Ends every load worker still running, as when the run is interrupted. */
export function stopLoadWorkers(): void {
  for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
}

export interface Measurement extends LoadResult {
  /** CPU time of the target's processes during the load, per successful request. */
  cpuMsPerRequest: number;
  /** CPU time of the target's processes during the load, as a share of one core. */
  cpuCores: number;
  /** Highest summed VmRSS of the target's processes while the load ran, in MiB. */
  peakRssMiB: number;
  /** The same for the processes of the target's gateway group alone: the gateway, or the only process. */
  gatewayPeakRssMiB: number;
}

/** The processes whose CPU time and memory count for a target. */
export interface MeasuredProcesses {
  processGroups: number[];
  gatewayGroup: number;
}

export async function runLoad(job: LoadJob, target: MeasuredProcesses, cwd: string): Promise<Measurement> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerFile], { cwd, stdio: ['pipe', 'pipe', 'inherit'] });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  child.stdin!.write(`${JSON.stringify(job)}\n`);
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`The load worker exited with code ${code}.`))));
  exited.catch(() => {});
  const nextLine = () => Promise.race([new Promise<string>((resolve) => lines.once('line', resolve)), exited]);

  try {
    const ready = await nextLine();
    if (ready !== 'ready') throw new Error(`The load worker said "${ready}" instead of "ready".`);
    const pids = processesOfGroups(target.processGroups);
    const memory = sampleResidentMemory(pids);
    const gatewayMemory = sampleResidentMemory(processesOfGroups([target.gatewayGroup]));
    const cpuBefore = cpuMilliseconds(pids);
    const startedAt = performance.now();
    child.stdin!.write('start\n');
    const result = JSON.parse(await nextLine()) as LoadResult;
    const cpu = cpuMilliseconds(pids) - cpuBefore;
    const elapsedMs = performance.now() - startedAt;
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    return {
      ...result,
      cpuMsPerRequest: result.requests > 0 ? cpu / result.requests : Number.NaN,
      cpuCores: cpu / elapsedMs,
      peakRssMiB: memory.stop() / 1024,
      gatewayPeakRssMiB: gatewayMemory.stop() / 1024,
    };
  } finally {
    child.stdin!.end();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
