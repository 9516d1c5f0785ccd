// Settings of one benchmark run, read from environment variables so that a longer or a narrower
// run needs no code change.

export interface BenchSettings {
  /** Server URL; the run creates its own database there and drops it at the end. */
  serverUrl: string;
  /** Names of the targets to load, in the order each round visits them. */
  targets: string[];
  rounds: number;
  /** Concurrent connections of each measured load, in order. */
  connections: number[];
  warmupSeconds: number;
  durationSeconds: number;
  /** Sequential requests per target and operation when counting SQL statements. */
  sqlSampleRequests: number;
  /** Seconds to wait until PostgreSQL has published the counters of idle backends. */
  statsSettleSeconds: number;
  /** Start-up measurements of `npm start` on a fresh embedded database. */
  startupRuns: number;
  logLevel: string;
}

function readNumber(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < minimum) throw new Error(`${name} must be a number of at least ${minimum}, not "${raw}".`);
  return value;
}

function readList(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function readSettings(): BenchSettings {
  const connections = readList('BENCH_CONNECTIONS', '1,20').map((item) => {
    const value = Number(item);
    if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_CONNECTIONS contains "${item}", which is not a positive whole number.`);
    return value;
  });
  return {
    serverUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    targets: readList('BENCH_TARGETS', 'deployed,embedded,monolith,hive-gateway'),
    rounds: Math.floor(readNumber('BENCH_ROUNDS', 2, 1)),
    connections,
    warmupSeconds: readNumber('BENCH_WARMUP_SECONDS', 5, 0),
    durationSeconds: readNumber('BENCH_DURATION_SECONDS', 10, 1),
    sqlSampleRequests: Math.floor(readNumber('BENCH_SQL_REQUESTS', 200, 0)),
    statsSettleSeconds: readNumber('BENCH_STATS_SETTLE_SECONDS', 11, 0),
    startupRuns: Math.floor(readNumber('BENCH_STARTUP_RUNS', 3, 0)),
    logLevel: process.env.LOG_LEVEL ?? 'info',
  };
}
