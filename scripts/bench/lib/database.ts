// The benchmark's own PostgreSQL database, and a counter of the SQL statements sent to it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  /** Version of the PostgreSQL server, such as "15.20". */
  serverVersion: string;
  /** Runs `npm run migrate` against the database. */
  migrate(repositoryRoot: string): Promise<void>;
  drop(): Promise<void>;
}

/** Creates `tandem_bench_<random>` on the server of `serverUrl`. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `tandem_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const [version] = await admin<{ server_version: string }[]>`show server_version`;
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  return {
    name,
    url: url.toString(),
    serverVersion: version?.server_version ?? 'unknown',
    async migrate(repositoryRoot) {
      const child = spawn('npm', ['run', '--silent', 'migrate'], { cwd: repositoryRoot, env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
      const [code] = (await once(child, 'exit')) as [number | null];
      if (code !== 0) throw new Error(`npm run migrate exited with code ${code}.`);
    },
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * Counts statements run in one database. With pg_stat_statements loaded by the server it sums
 * `calls`, which PostgreSQL updates as each statement ends. Without it, it sums committed and
 * rolled-back transactions of pg_stat_database: a statement sent outside an explicit
 * transaction is a transaction of its own, which holds for the read-only operations measured
 * here; backends publish those counters only when idle and at most every second, so a reading
 * is complete only after `settleSeconds` of quiet.
 */
export interface StatementCounter {
  method: 'pg_stat_statements' | 'pg_stat_database transactions';
  /** Why pg_stat_statements is not used, when it is not. */
  note?: string;
  settleSeconds: number;
  read(): Promise<number>;
  close(): Promise<void>;
}

export async function openStatementCounter(serverUrl: string, database: BenchDatabase, settleSeconds: number): Promise<StatementCounter> {
  const inDatabase = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    await inDatabase.unsafe('create extension if not exists pg_stat_statements');
    await inDatabase.unsafe('select 1 from pg_stat_statements limit 1');
    return {
      method: 'pg_stat_statements',
      settleSeconds: 0,
      async read() {
        // This counter's own queries run in the same database; leave them out.
        const [row] = await inDatabase<{ calls: string }[]>`
          select coalesce(sum(s.calls), 0)::text as calls
          from pg_stat_statements s join pg_database d on d.oid = s.dbid
          where d.datname = ${database.name} and s.query not ilike '%pg_stat_statements%'`;
        return Number(row!.calls);
      },
      close: () => inDatabase.end({ timeout: 5 }),
    };
  } catch (error) {
    await inDatabase.end({ timeout: 5 });
    const reason = error instanceof Error ? error.message : String(error);
    // Read from the server's own database, so that the readings add no transactions to the count.
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    return {
      method: 'pg_stat_database transactions',
      note: `pg_stat_statements is unusable here (${reason}); counted transactions instead`,
      settleSeconds,
      async read() {
        const [row] = await admin<{ count: string }[]>`select (xact_commit + xact_rollback)::text as count from pg_stat_database where datname = ${database.name}`;
        return Number(row?.count ?? 0);
      },
      close: () => admin.end({ timeout: 5 }),
    };
  }
}
