import { Redis, type Result } from 'ioredis';
import type { Logger } from '../subgraphs/common/logger.js';
import type { BudgetSettings } from './limits.js';

/** The outcome of taking points from a caller's budget. */
export interface BudgetOutcome {
  allowed: boolean;
  /** Points left after this operation, or before it when it was rejected. */
  remaining: number;
  /** Milliseconds until the budget has the requested points again, or 0 when allowed. */
  retryAfterMs: number;
}

/**
 * Per-caller budgets of cost points. Each is a token bucket that contains at most `capacity`
 * points and gains `refillPerSecond` points every second. An operation runs only when the bucket
 * contains its whole cost, which is then taken out.
 */
export interface CostBudget {
  consume(key: string, points: number): Promise<BudgetOutcome>;
  close(): Promise<void>;
}

interface Bucket {
  points: number;
  updatedAt: number;
}

/** Budgets in this process's memory, for a single gateway instance. */
export class MemoryCostBudget implements CostBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  /** Bucket count at which full buckets, which a missing entry stands for, are dropped. */
  private pruneThreshold = 10_000;

  constructor(
    private readonly settings: Pick<BudgetSettings, 'capacity' | 'refillPerSecond'>,
    private readonly now: () => number = Date.now,
  ) {
    this.refillPerMs = settings.refillPerSecond / 1000;
  }

  async consume(key: string, points: number): Promise<BudgetOutcome> {
    return this.consumeNow(key, points);
  }

  consumeNow(key: string, points: number): BudgetOutcome {
    const now = this.now();
    const bucket = this.refilled(this.buckets.get(key), now);
    const allowed = bucket.points >= points;
    if (allowed) bucket.points -= points;
    this.buckets.set(key, bucket);
    if (this.buckets.size >= this.pruneThreshold) this.prune(now);
    return { allowed, remaining: Math.floor(bucket.points), retryAfterMs: allowed ? 0 : Math.ceil((points - bucket.points) / this.refillPerMs) };
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { points: this.settings.capacity, updatedAt: now };
    // A clock that went back adds nothing rather than taking points away.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return { points: Math.min(this.settings.capacity, bucket.points + elapsed * this.refillPerMs), updatedAt: Math.max(now, bucket.updatedAt) };
  }

  /** Drops the buckets that have refilled completely; when few were, waits for twice as many before trying again. */
  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now).points >= this.settings.capacity) this.buckets.delete(key);
    }
    this.pruneThreshold = Math.max(10_000, this.buckets.size * 2);
  }
}

/**
 * Refills and takes points from one bucket atomically, so that gateway instances sharing the
 * Redis server never both spend the same points. A bucket is a hash of its points and the time
 * of its last change. A missing bucket is full, and each bucket expires once it would be full
 * again. The time comes from ARGV[4] when given (tests), else from the Redis server's clock,
 * which every instance shares.
 */
const consumeScript = `
local capacity = tonumber(ARGV[1])
local refill_per_ms = tonumber(ARGV[2])
local requested = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local state = redis.call('HMGET', KEYS[1], 'points', 'updated_at')
local points = tonumber(state[1])
local updated_at = tonumber(state[2])
if points == nil or updated_at == nil then
  points = capacity
  updated_at = now
end
if now > updated_at then
  points = math.min(capacity, points + (now - updated_at) * refill_per_ms)
  updated_at = now
end
local allowed = 0
if points >= requested then
  points = points - requested
  allowed = 1
end
redis.call('HSET', KEYS[1], 'points', tostring(points), 'updated_at', tostring(updated_at))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - points) / refill_per_ms) + 1000)
return { allowed, tostring(points) }
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    consumeCostBudget(key: string, capacity: number, refillPerMs: number, points: number, now: string): Result<[number, string], Context>;
  }
}

/** Milliseconds between two warnings about a failing Redis server. */
const warningIntervalMs = 60_000;

/**
 * Budgets kept in Redis and shared by every gateway instance that uses the same server and
 * key prefix. While Redis fails, each instance falls back to budgets in its own memory and logs
 * a warning at most once a minute, so that an outage of Redis does not stop the API.
 */
export class RedisCostBudget implements CostBudget {
  private readonly fallback: MemoryCostBudget;
  private lastWarningAt = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly client: Redis,
    private readonly settings: BudgetSettings,
    private readonly log: Logger,
  ) {
    this.fallback = new MemoryCostBudget(settings, settings.now);
  }

  /** Connects to `settings.redisUrl`; when Redis is unreachable it logs the error and keeps retrying in the background. */
  static async connect(settings: BudgetSettings & { redisUrl: string }, log: Logger): Promise<RedisCostBudget> {
    const client = new Redis(settings.redisUrl, {
      lazyConnect: true,
      // Fail fast while disconnected, so that requests fall back instead of waiting.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
    });
    client.defineCommand('consumeCostBudget', { numberOfKeys: 1, lua: consumeScript });
    client.on('error', () => {
      // Each failed command is logged by consume; this listener keeps ioredis from logging to stderr.
    });
    const budget = new RedisCostBudget(client, settings, log);
    try {
      await client.connect();
    } catch (error) {
      log.error({ err: error }, 'Cannot connect to Redis for the cost budgets; each gateway instance uses budgets in its own memory until it can.');
    }
    return budget;
  }

  async consume(key: string, points: number): Promise<BudgetOutcome> {
    const refillPerMs = this.settings.refillPerSecond / 1000;
    try {
      const now = this.settings.now ? String(this.settings.now()) : '';
      const [allowed, remainingText] = await this.client.consumeCostBudget(this.settings.keyPrefix + key, this.settings.capacity, refillPerMs, points, now);
      const remaining = Number(remainingText);
      return { allowed: allowed === 1, remaining: Math.floor(remaining), retryAfterMs: allowed === 1 ? 0 : Math.ceil((points - remaining) / refillPerMs) };
    } catch (error) {
      const now = Date.now();
      if (now - this.lastWarningAt >= warningIntervalMs) {
        this.lastWarningAt = now;
        this.log.warn({ err: error }, 'Redis failed to update a cost budget; using budgets in this instance\'s memory. Further failures within a minute are not logged.');
      }
      return this.fallback.consume(key, points);
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
    await this.fallback.close();
  }
}

/** Opens the budget store that the settings name: Redis when `redisUrl` is set, else memory. */
export async function openCostBudget(settings: BudgetSettings, log: Logger): Promise<CostBudget> {
  if (settings.redisUrl) return RedisCostBudget.connect({ ...settings, redisUrl: settings.redisUrl }, log);
  return new MemoryCostBudget(settings, settings.now);
}
