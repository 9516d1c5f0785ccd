// Measures the README's start command: the time from running `npm start` on a fresh embedded
// database (PGlite under a new DATA_DIR, demo data loaded) to the first response to a GraphQL query.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, spawnInGroup, stopServices } from './processes.js';

/** An anonymous query that the gateway sends to the identity subgraph, which returns `{ viewer: null }`. */
const probe = '{ viewer { account { id } } }';
const timeoutMs = 120_000;
const pollIntervalMs = 50;

/** Variables of the benchmark's own environment that would make `npm start` differ from the README's first run. */
const cleared = ['DATABASE_URL', 'DEMO_DATA', 'AUTH_TOKEN_SECRET', 'IDENTITY_SUBGRAPH_SECRET', 'SHARING_SUBGRAPH_SECRET', 'WORK_SUBGRAPH_SECRET'];

async function respondsWithData(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: probe }) });
    if (response.status !== 200) return false;
    const body = (await response.json()) as { data?: { viewer?: unknown }; errors?: unknown };
    return body.errors === undefined && body.data?.viewer === null;
  } catch {
    // Not listening yet.
    return false;
  }
}

/**
 * Runs `npm start` with DATA_DIR set to `dataDir`, which must not exist yet, and returns the
 * seconds until the gateway responded to the probe query with data. The process is stopped afterwards.
 */
export async function measureStartup(repositoryRoot: string, dataDir: string, logFile: string, logLevel: string): Promise<number> {
  const port = await freePort();
  const environment: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: logLevel };
  for (const name of cleared) delete environment[name];
  const url = `http://127.0.0.1:${port}/graphql`;

  const startedAt = performance.now();
  const child = spawnInGroup('npm', ['start'], { cwd: repositoryRoot, env: environment, logFile });
  try {
    for (;;) {
      if (await respondsWithData(url)) return (performance.now() - startedAt) / 1000;
      if (child.exitCode !== null) throw new Error(`npm start exited with code ${child.exitCode} before it responded to a query; see ${logFile}.`);
      if (performance.now() - startedAt > timeoutMs) throw new Error(`npm start did not respond to a query within ${timeoutMs / 1000} s; see ${logFile}.`);
      await sleep(pollIntervalMs);
    }
  } finally {
    await stopServices([child]);
  }
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Returns the data folder and the log file of one start-up run, inside the benchmark's temporary folder. */
export function startupPaths(workDir: string, run: number): { dataDir: string; logFile: string } {
  return { dataDir: join(workDir, `startup-${run}-data`), logFile: join(workDir, `startup-${run}.log`) };
}
