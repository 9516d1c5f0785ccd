import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import postgres from 'postgres';
import { fileURLToPath } from 'node:url';

/** The drizzle database, on either driver. */
export type Database = PgDatabase<PgQueryResultHKT>;
/** A transaction handle; it offers the same query builders as `Database`. */
export type Transaction = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** Statements sent since the handle opened; tests read it to prove batching. */
  stats: { statements: number };
  /** Applies the committed drizzle-kit migrations that have not run yet. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection URL. Without it the embedded PGlite database is used. */
  url?: string;
  /** PGlite's data folder; omitted, PGlite keeps everything in memory. */
  dataDir?: string;
  /** Connections in the postgres.js pool. */
  maxConnections?: number;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Opens the database that the options name: PostgreSQL through postgres.js, or PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const stats = { statements: 0 };
  const logger: DrizzleLogger = {
    logQuery() {
      stats.statements += 1;
    },
  };

  if (options.url) {
    const client = postgres(options.url, { max: options.maxConnections ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { logger });
    return {
      db,
      driver: 'postgres',
      stats,
      migrate: () => migratePostgres(db, { migrationsFolder }),
      close: () => client.end({ timeout: 5 }),
    };
  }

  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const client = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {}).catch((error: unknown) => {
    unlock();
    throw error;
  });
  const db = drizzlePglite(client, { logger });
  return {
    db,
    driver: 'pglite',
    stats,
    migrate: () => migratePglite(db, { migrationsFolder }),
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

/**
 * Claims a PGlite data folder for this process with a lock file holding its pid. PGlite is
 * an in-process database, and two processes on one folder would overwrite each other's files,
 * so a second process fails here. A lock whose process is gone is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  // Beside the folder rather than in it, which PostgreSQL's own files fill.
  const lockPath = `${dataDir.replace(/\/+$/, '')}.lock`;
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lockPath, 'utf8'));
    if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
      throw new Error(`Another process (pid ${holder}) is using the embedded database in ${dataDir}; stop it first, or set DATA_DIR to another folder.`);
    }
    writeFileSync(lockPath, String(process.pid));
  }
  return () => rmSync(lockPath, { force: true });
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Returns the rows of `db.execute()`, which postgres.js gives as an array and PGlite as `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}
