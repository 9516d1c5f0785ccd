import { RateLimiterMemory } from 'rate-limiter-flexible';

/** Failed sign-ins allowed for one e-mail address within the window before sign-in is refused. */
export const maxFailedLogIns = 10;
/** Length of that window, in seconds. */
export const failedLogInWindowSeconds = 15 * 60;

export interface LogInThrottle {
  /** Returns the seconds to wait before the address may try again, or null when it may try now. */
  retryAfterSeconds(email: string): Promise<number | null>;
  recordFailure(email: string): Promise<void>;
  reset(email: string): Promise<void>;
}

/**
 * Counts failed sign-ins per e-mail address, so that guessing one account's password is
 * slowed to 10 attempts per 15 minutes. A correct password does not bypass the limit while
 * it holds, and a successful sign-in clears the count.
 *
 * NOTE: counts live in this process's memory; with several identity replicas each counts
 * its own attempts, and a restart clears them.
 */
export function createLogInThrottle(): LogInThrottle {
  const limiter = new RateLimiterMemory({ points: maxFailedLogIns, duration: failedLogInWindowSeconds });
  return {
    async retryAfterSeconds(email) {
      const state = await limiter.get(email);
      return state && state.consumedPoints >= maxFailedLogIns ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : null;
    },
    async recordFailure(email) {
      // consume rejects once the points are spent; the count is what matters here.
      await limiter.consume(email).catch(() => undefined);
    },
    async reset(email) {
      await limiter.delete(email);
    },
  };
}
