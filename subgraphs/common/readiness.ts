import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import type { ReadinessReport } from './http.js';
import type { Logger } from './logger.js';

/** A dependency check: resolves when the dependency works, rejects when it does not. */
export type DependencyCheck = () => Promise<void>;

/** Milliseconds each check may take before it counts as failed. */
const checkTimeoutMs = 2_000;

/** Checks that the database runs a trivial query. */
export function databaseCheck(db: Database): DependencyCheck {
  return async () => {
    await db.execute(sql`select 1`);
  };
}

/** Checks that an HTTP endpoint responds with status 200. */
export function httpCheck(url: URL): DependencyCheck {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(checkTimeoutMs) });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`${url.pathname} responded with status ${response.status}.`);
  };
}

function withTimeout(check: DependencyCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The check took longer than ${checkTimeoutMs} ms.`)), checkTimeoutMs);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Returns the `GET /ready` handler of a server: it runs every check in parallel and is ready
 * when all pass. It logs a check when it starts failing and when it works again, not on
 * every probe. The response names each check with "ok" or "failed" and no detail.
 */
export function readiness(checks: Record<string, DependencyCheck>, log: Logger): () => Promise<ReadinessReport> {
  const failing = new Set<string>();
  return async () => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, 'ok' | 'failed']> => {
        try {
          await withTimeout(check);
          if (failing.delete(name)) log.info({ check: name }, `Readiness check "${name}" passes again.`);
          return [name, 'ok'];
        } catch (error) {
          if (!failing.has(name)) log.warn({ err: error, check: name }, `Readiness check "${name}" failed; /ready responds 503 until it passes.`);
          failing.add(name);
          return [name, 'failed'];
        }
      }),
    );
    const checkResults = Object.fromEntries(entries);
    return { ready: entries.every(([, result]) => result === 'ok'), checks: checkResults };
  };
}
