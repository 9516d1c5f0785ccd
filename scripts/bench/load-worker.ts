// Child process that generates load with autocannon, so that the load generator does not share
// an event loop with the benchmark's bookkeeping. It reads one job as a JSON line on standard
// input (so the access token stays out of the process list), loads autocannon, prints "ready",
// waits for a second line, runs the job, and prints its result as one JSON line.
import { createInterface } from 'node:readline';

export interface LoadJob {
  url: string;
  body: string;
  token: string;
  connections: number;
  durationSeconds: number;
  /** The verified response body; a different body counts as a mismatch. */
  expectBody: string;
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** Responses with status 2xx and the expected body. */
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  '2xx': number;
}

interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}

// The load generator is installed in scripts/bench/node_modules, not with the main dependencies,
// so it is imported by a name the type checker does not resolve.
const moduleName = 'autocannon';
const autocannon = ((await import(moduleName)) as { default: (options: Record<string, unknown>) => AutocannonInstance }).default;

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const job = JSON.parse((await input.next()).value ?? '{}') as LoadJob;
process.stdout.write('ready\n');
await input.next();

const instance = autocannon({
  url: job.url,
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
  body: job.body,
  connections: job.connections,
  duration: job.durationSeconds,
  expectBody: job.expectBody,
  timeout: 10,
});
// autocannon's own histogram keeps whole milliseconds; these keep the fraction.
const latencies: number[] = [];
instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
});
const raw = await instance;
latencies.sort((a, b) => a - b);
const requests = raw['2xx'] - raw.mismatches;
const result: LoadResult = {
  connections: job.connections,
  durationSeconds: raw.duration,
  requests,
  requestsPerSecond: requests / raw.duration,
  p50Ms: percentile(latencies, 0.5),
  p99Ms: percentile(latencies, 0.99),
  errors: raw.errors,
  timeouts: raw.timeouts,
  non2xx: raw.non2xx,
  mismatches: raw.mismatches,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
