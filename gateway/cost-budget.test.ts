import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { MemoryCostBudget, RedisCostBudget, type CostBudget } from './cost-budget.js';

const silent = pino({ level: 'silent' });
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: the Redis cost-budget tests are skipped. Set REDIS_URL=redis://127.0.0.1:6379 to run them.');

/** Creates a clock, in milliseconds, that tests move by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Defines the checks that every store passes, on a bucket of 100 points refilled by 10 points a second. */
function bucketBehaviour(open: (clock: ReturnType<typeof manualClock>) => Promise<CostBudget>) {
  test('new caller has a full budget', async () => {
    const budget = await open(manualClock());
    expect(await budget.consume('a', 30)).toEqual({ allowed: true, remaining: 70, retryAfterMs: 0 });
    await budget.close();
  });

  test('spent budget rejects, then refills', async () => {
    const clock = manualClock();
    const budget = await open(clock);
    expect((await budget.consume('a', 100)).allowed).toBe(true);
    // 40 points are 4 s away at 10 points a second.
    expect(await budget.consume('a', 40)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 4_000 });
    clock.advance(3_000);
    expect(await budget.consume('a', 40)).toEqual({ allowed: false, remaining: 30, retryAfterMs: 1_000 });
    clock.advance(1_000);
    expect(await budget.consume('a', 40)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    await budget.close();
  });

  test('refill stops at capacity', async () => {
    const clock = manualClock();
    const budget = await open(clock);
    await budget.consume('a', 50);
    clock.advance(3_600_000);
    expect((await budget.consume('a', 0)).remaining).toBe(100);
    await budget.close();
  });

  test('callers have separate budgets', async () => {
    const budget = await open(manualClock());
    await budget.consume('a', 100);
    expect((await budget.consume('b', 100)).allowed).toBe(true);
    await budget.close();
  });

  test('clock going back adds nothing', async () => {
    const clock = manualClock();
    const budget = await open(clock);
    await budget.consume('a', 60);
    clock.advance(-10_000);
    expect((await budget.consume('a', 0)).remaining).toBe(40);
    await budget.close();
  });
}

describe('memory budget', () => {
  bucketBehaviour(async (clock) => new MemoryCostBudget({ capacity: 100, refillPerSecond: 10 }, clock.now));

  test('full buckets are pruned', () => {
    const clock = manualClock();
    const budget = new MemoryCostBudget({ capacity: 100, refillPerSecond: 10 }, clock.now);
    for (let index = 0; index < 9_999; index += 1) budget.consumeNow(`caller-${index}`, 1);
    clock.advance(1_000);
    // The 10,000th bucket starts a prune, which drops the 9,999 that have refilled.
    budget.consumeNow('last', 1);
    expect((budget as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(1);
  });
});

describe.skipIf(!redisUrl)('Redis budget', () => {
  const prefix = `tandem-test:${randomBytes(6).toString('hex')}:`;
  const opened: CostBudget[] = [];
  const open = async (clock: ReturnType<typeof manualClock>, keyPrefix = `${prefix}${randomBytes(4).toString('hex')}:`) => {
    const budget = await RedisCostBudget.connect({ capacity: 100, refillPerSecond: 10, redisUrl: redisUrl!, keyPrefix, now: clock.now }, silent);
    opened.push(budget);
    return budget;
  };

  afterAll(async () => {
    for (const budget of opened) await budget.close();
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  bucketBehaviour((clock) => open(clock));

  test('two instances share one budget', async () => {
    const clock = manualClock();
    const keyPrefix = `${prefix}shared:`;
    const first = await open(clock, keyPrefix);
    const second = await open(clock, keyPrefix);
    expect((await first.consume('a', 80)).allowed).toBe(true);
    expect(await second.consume('a', 30)).toEqual({ allowed: false, remaining: 20, retryAfterMs: 1_000 });
  });

  test('concurrent spends never overdraw', async () => {
    const clock = manualClock();
    const keyPrefix = `${prefix}race:`;
    const instances = [await open(clock, keyPrefix), await open(clock, keyPrefix), await open(clock, keyPrefix)];
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, index) => instances[index % 3]!.consume('a', 10)));
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(10);
  });

  test('key expires once refilled', async () => {
    const keyPrefix = `${prefix}ttl:`;
    const budget = await open(manualClock(), keyPrefix);
    await budget.consume('a', 50);
    const redis = new Redis(redisUrl!);
    // 50 points at 10 a second refill in 5 s; one more second of margin.
    const ttl = await redis.pttl(`${keyPrefix}a`);
    await redis.quit();
    expect(ttl).toBeGreaterThan(5_000);
    expect(ttl).toBeLessThanOrEqual(6_000);
  });

  test('server clock without injected now', async () => {
    const keyPrefix = `${prefix}server-clock:`;
    const budget = await RedisCostBudget.connect({ capacity: 100, refillPerSecond: 10, redisUrl: redisUrl!, keyPrefix }, silent);
    opened.push(budget);
    expect((await budget.consume('a', 100)).allowed).toBe(true);
    expect((await budget.consume('a', 50)).allowed).toBe(false);
  });
});

test('unreachable Redis falls back to memory', async () => {
  // A port that was free a moment ago, on the loopback interface.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
  const clock = manualClock();
  const budget = await RedisCostBudget.connect({ capacity: 100, refillPerSecond: 10, redisUrl: `redis://127.0.0.1:${port}`, keyPrefix: 'unused:', now: clock.now }, log);
  try {
    expect((await budget.consume('a', 100)).allowed).toBe(true);
    expect((await budget.consume('a', 1)).allowed).toBe(false);
    expect(warnings.some((line) => line.includes('Cannot connect to Redis'))).toBe(true);
    expect(warnings.filter((line) => line.includes('Redis failed to update a cost budget'))).toHaveLength(1);
  } finally {
    await budget.close();
  }
});
