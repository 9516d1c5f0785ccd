// The gateway's limits, each through the gateway: the error code, limit and value of every
// rejection, that no rejected operation reaches a subgraph, the cost report of accepted
// operations, and the per-caller cost budget in memory and in Redis.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway } from '../gateway/gateway.js';
import { defaultLimitSettings, type LimitSettings } from '../gateway/limits.js';
import type { RunningServer } from '../subgraphs/common/http.js';
import { createLogger } from '../subgraphs/common/logger.js';
import { createProject, createTask, dataOf, errorCodes, gql, send, signUp, type RawResponse, type TestAccount } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';

/** Creates a clock, in milliseconds, that tests move by hand. */
function manualClock() {
  let now = Date.UTC(2026, 0, 1);
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const clock = manualClock();

/** Small limits, so that each is easy to reach. */
const limits: LimitSettings = {
  ...defaultLimitSettings,
  maxBodyBytes: 4_096,
  maxTokens: 400,
  maxDepth: 6,
  maxAliases: 5,
  maxRootFields: 4,
  maxExpandedSelections: 300,
  maxCost: 500,
  budget: { capacity: 1_000, refillPerSecond: 100, keyPrefix: 'unused:', now: clock.now },
};

let graph: TestGraph;
let owner: TestAccount;
let projectId: string;
let subgraphRequests = 0;

beforeAll(async () => {
  graph = await startTestGraph({ limits });
  graph.onSubgraphRequest(() => (subgraphRequests += 1));
  owner = await signUp(graph, 'Limit Owner');
  projectId = await createProject(graph, owner.token, 'Limited');
  await createTask(graph, owner.token, projectId, 'Only task');
});

afterAll(async () => {
  await graph?.close();
});

interface Rejection {
  status: number;
  code: string;
  limit: number;
  value: number;
}

/**
 * Sends a request and asserts that it was rejected with exactly one error of the expected
 * code, limit and value, without data, and before any subgraph request. Anonymous requests
 * must also run no SQL statement; signed-in ones run one, the gateway's session check.
 */
async function expectRejected(request: () => Promise<RawResponse>, expected: Rejection, signedIn = false): Promise<RawResponse> {
  const subgraphRequestsBefore = subgraphRequests;
  const statementsBefore = graph.database.stats.statements;
  const response = await request();
  expect(response.status, response.text).toBe(expected.status);
  expect(response.errors, response.text).toHaveLength(1);
  const extensions = response.errors![0]!.extensions!;
  expect(extensions.code).toBe(expected.code);
  expect(extensions.limit).toBe(expected.limit);
  expect(extensions.value).toBe(expected.value);
  expect(response.data ?? null).toBeNull();
  expect(subgraphRequests - subgraphRequestsBefore, 'subgraph requests').toBe(0);
  expect(graph.database.stats.statements - statementsBefore, 'SQL statements').toBe(signedIn ? 1 : 0);
  return response;
}

/** Nests `levels` levels of `project { tasks { nodes { ... } } }` below `task`, as fields or through fragments. */
function nestedTaskQuery(levels: number): string {
  let selection = 'title';
  for (let level = 0; level < levels; level += 1) selection = `project { tasks(first: 1) { nodes { ${selection} } } }`;
  return `query($id: ID!) { task(id: $id) { ${selection} } }`;
}

describe('tokens', () => {
  test('long operation rejected', async () => {
    const query = `{ ${'x '.repeat(500)}}`;
    const response = await expectRejected(() => gql(graph, query), { status: 400, code: 'MAX_TOKENS_EXCEEDED', limit: 400, value: 502 });
    expect(response.errors![0]!.message).toBe('The operation has 502 tokens, more than the limit of 400. Split it into several operations, or pass long values as variables.');
  });

  test('comments do not count', async () => {
    const query = `{ __typename ${'#\n'.repeat(600)}}`;
    expect(dataOf(await gql(graph, query))).toEqual({ __typename: 'Query' });
  });

  test('syntax error stays a parse error', async () => {
    const response = await gql(graph, '{ viewer { ');
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });
});

describe('depth', () => {
  test('deep fields rejected', async () => {
    const response = await expectRejected(() => gql(graph, nestedTaskQuery(2), { id: randomUUID() }, owner.token), { status: 400, code: 'MAX_DEPTH_EXCEEDED', limit: 6, value: 8 }, true);
    expect(response.errors![0]!.message).toContain('Select fewer nested levels');
  });

  test('depth through nested fragments', async () => {
    const query = `query($id: ID!) { task(id: $id) { ...Outer } }
      fragment Outer on Task { project { tasks(first: 1) { nodes { ...Inner } } } }
      fragment Inner on Task { project { tasks(first: 1) { nodes { title } } } }`;
    await expectRejected(() => gql(graph, query, { id: randomUUID() }, owner.token), { status: 400, code: 'MAX_DEPTH_EXCEEDED', limit: 6, value: 8 }, true);
  });

  test('depth through inline fragments', async () => {
    const query = `query($id: ID!) { task(id: $id) { ... on Task { project { ... on Project { tasks(first: 1) { nodes { ... on Task { project { tasks(first: 1) { nodes { title } } } } } } } } } } }`;
    await expectRejected(() => gql(graph, query, { id: randomUUID() }, owner.token), { status: 400, code: 'MAX_DEPTH_EXCEEDED', limit: 6, value: 8 }, true);
  });

  test('depth at the limit runs', async () => {
    const query = `query($id: ID!) { project(id: $id) { ...Tasks } } fragment Tasks on Project { tasks(first: 1) { nodes { project { tasks(first: 1) { totalCount } } } } }`;
    const data = dataOf(await gql(graph, query, { id: projectId }, owner.token));
    expect(data.project.tasks.nodes).toEqual([{ project: { tasks: { totalCount: 1 } } }]);
  });
});

describe('aliases', () => {
  test('aliases in nested fragments count', async () => {
    const query = `{ viewer { ...Names } }
      fragment Names on Viewer { a: account { name } b: account { name } c: account { d: name } ...More }
      fragment More on Viewer { e: account { name } f: account { name } }`;
    await expectRejected(() => gql(graph, query), { status: 400, code: 'MAX_ALIASES_EXCEEDED', limit: 5, value: 6 });
  });

  test('fragment spread twice counts twice', async () => {
    // v, then a, b and c in each of the two spreads.
    const query = `{ viewer { ...Aliased } v: viewer { ...Aliased } } fragment Aliased on Viewer { a: account { name } b: account { name } c: account { name } }`;
    await expectRejected(() => gql(graph, query), { status: 400, code: 'MAX_ALIASES_EXCEEDED', limit: 5, value: 7 });
  });
});

describe('root fields', () => {
  test('root fields through fragments count', async () => {
    const query = `{ a: viewer { __typename } ...Roots ... on Query { d: viewer { __typename } e: viewer { __typename } } } fragment Roots on Query { b: viewer { __typename } c: viewer { __typename } }`;
    await expectRejected(() => gql(graph, query), { status: 400, code: 'MAX_ROOT_FIELDS_EXCEEDED', limit: 4, value: 5 });
  });

  test('repeated field counts once', async () => {
    const query = `{ viewer { __typename } viewer { __typename } ...Again __typename } fragment Again on Query { viewer { __typename } }`;
    expect(errorCodes(await gql(graph, query))).toEqual([]);
  });
});

describe('fragments', () => {
  test('fragment cycle rejected', async () => {
    const query = `{ ...A } fragment A on Query { viewer { __typename } ...B } fragment B on Query { ...A }`;
    const subgraphRequestsBefore = subgraphRequests;
    const response = await gql(graph, query);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors!.map((error) => error.message)).toContain('Cannot spread fragment "A" within itself via "B".');
    expect(subgraphRequests).toBe(subgraphRequestsBefore);
  });

  test('fragment doubling rejected', async () => {
    // Each fragment spreads the next one twice: 2^25 copies of the last one, in about 300 tokens.
    const levels = 25;
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === levels - 1 ? `fragment F${level} on Query { __typename }` : `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`,
    ).join(' ');
    // Each fragment but the last has two spreads plus two copies of the next fragment's selections.
    const response = await expectRejected(() => gql(graph, `{ ...F0 } ${fragments}`), { status: 400, code: 'MAX_EXPANSION_EXCEEDED', limit: 300, value: 3 * 2 ** 24 - 1 });
    expect(response.errors![0]!.message).toContain('Spread fewer fragments');
  });
});

describe('query cost', () => {
  const pagesQuery = 'query($n: Int) { projects { tasks(first: $n) { nodes { title } } } }';

  test('connection size counts', async () => {
    // 10 assumed projects, each 1 point for itself and its page, plus 1 per task.
    const response = await expectRejected(() => gql(graph, pagesQuery, { n: 100 }, owner.token), { status: 400, code: 'QUERY_COST_EXCEEDED', limit: 500, value: 10 * (1 + 1 + 100) }, true);
    expect(response.errors![0]!.message).toBe(
      'The operation costs 1020 points, more than the limit of 500 for one operation. Request smaller pages with first, fewer nested lists, or split the operation.',
    );
  });

  test('cost through fragments', async () => {
    const query = `query($n: Int) { ...P } fragment P on Query { projects { ...T } } fragment T on Project { tasks(first: $n) { nodes { title } } }`;
    await expectRejected(() => gql(graph, query, { n: 100 }, owner.token), { status: 400, code: 'QUERY_COST_EXCEEDED', limit: 500, value: 1020 }, true);
  });

  test('mistyped variable is BAD_USER_INPUT', async () => {
    const response = await gql(graph, pagesQuery, { n: 'many' }, owner.token);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  test('accepted operation reports its cost', async () => {
    const account = await signUp(graph, 'Cost Reader');
    const response = await send(graph.url, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` },
      body: JSON.stringify({ query: pagesQuery, variables: { n: 10 } }),
    });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.text) as { extensions?: { cost?: unknown } };
    expect(body.extensions?.cost).toEqual({ requested: 120, limit: 500, budget: { remaining: 880, capacity: 1_000, refillPerSecond: 100 } });
  });
});

describe('cost budget in memory', () => {
  test('spent budget rejects, then refills', async () => {
    // The cost is estimated from the operation alone, so the account needs no projects.
    const account = await signUp(graph, 'Budget Spender');
    const spend = () => gql(graph, 'query($n: Int) { projects { tasks(first: $n) { nodes { title } } } }', { n: 10 }, account.token);
    // 120 points each: 8 of them leave 40 of the 1,000.
    for (let index = 0; index < 8; index += 1) expect(errorCodes(await spend())).toEqual([]);

    const response = await expectRejected(spend, { status: 429, code: 'COST_BUDGET_EXHAUSTED', limit: 40, value: 120 }, true);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.errors![0]!.extensions).toEqual({
      code: 'COST_BUDGET_EXHAUSTED',
      limit: 40,
      value: 120,
      remaining: 40,
      capacity: 1_000,
      refillPerSecond: 100,
      retryAfterSeconds: 1,
    });
    expect(response.errors![0]!.message).toBe(
      'The operation costs 120 points, but your cost budget holds 40 of its 1000; it refills by 100 points per second. Retry after 1 seconds, or send cheaper operations.',
    );
    // The operation did not run, so the response reports no cost.
    expect(response.text).not.toContain('"cost"');

    // Another caller keeps its own budget.
    const other = await signUp(graph, 'Budget Bystander');
    expect(errorCodes(await gql(graph, '{ viewer { account { name } } }', undefined, other.token))).toEqual([]);

    // 100 points a second: 110 after 0.7 s, 140 after 1 s.
    clock.advance(700);
    expect(errorCodes(await spend())).toEqual(['COST_BUDGET_EXHAUSTED']);
    clock.advance(300);
    expect(errorCodes(await spend())).toEqual([]);
  });
});

describe('request body', () => {
  const largeBody = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(5_000) } });

  test('large body rejected', async () => {
    const response = await expectRejected(
      () => send(graph.url, { headers: { 'content-type': 'application/json' }, body: largeBody }),
      { status: 413, code: 'REQUEST_BODY_TOO_LARGE', limit: 4_096, value: largeBody.length },
    );
    expect(response.errors![0]!.message).toBe(`The request body has ${largeBody.length} bytes, more than the limit of 4096. Send a shorter operation or smaller variables.`);
  });

  test('large body without length rejected', async () => {
    // A streamed body has no Content-Length header, so the gateway stops reading at the first chunk past the limit.
    const chunks = [largeBody.slice(0, 3_000), largeBody.slice(3_000)];
    const response = await fetch(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { extensions: { code: string; limit: number; value: number } }[] };
    const { code, limit, value } = body.errors[0]!.extensions;
    expect({ code, limit }).toEqual({ code: 'REQUEST_BODY_TOO_LARGE', limit: 4_096 });
    // The bytes read when the limit was passed: more than the limit, at most the whole body.
    expect(value).toBeGreaterThan(4_096);
    expect(value).toBeLessThanOrEqual(largeBody.length);
  });
});

// --- Two gateway instances that share a budget in Redis.

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: the cost-budget tests with Redis are skipped. Set REDIS_URL=redis://127.0.0.1:6379 to run them.');

describe.skipIf(!redisUrl)('cost budget in Redis', () => {
  const keyPrefix = `tandem-test:${randomBytes(6).toString('hex')}:`;
  const redisClock = manualClock();
  const redisLimits: LimitSettings = { ...limits, budget: { capacity: 1_000, refillPerSecond: 100, redisUrl, keyPrefix, now: redisClock.now } };
  let first: TestGraph;
  let second: RunningServer;

  beforeAll(async () => {
    first = await startTestGraph({ limits: redisLimits });
    const log = createLogger('test');
    log.level = 'silent';
    second = await startGateway({
      db: first.database.db,
      tokenKey: first.tokenKey,
      subgraphs: first.subgraphs,
      port: 0,
      host: '127.0.0.1',
      log,
      anonymousIntrospection: true,
      limits: redisLimits,
    });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  test('budget spent through one instance is spent for both', async () => {
    const account = await signUp(first, 'Shared Spender');
    const query = 'query($n: Int) { projects { tasks(first: $n) { nodes { title } } } }';
    const spendThrough = (url: string) => send(url, { headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` }, body: JSON.stringify({ query, variables: { n: 10 } }) });

    for (let index = 0; index < 8; index += 1) expect(errorCodes(await spendThrough(index % 2 === 0 ? first.url : second.url))).toEqual([]);
    for (const url of [first.url, second.url]) {
      const response = await spendThrough(url);
      expect(response.status).toBe(429);
      expect(response.errors![0]!.extensions).toMatchObject({ code: 'COST_BUDGET_EXHAUSTED', limit: 40, value: 120 });
    }

    const redis = new Redis(redisUrl!);
    const stored = await redis.hgetall(`${keyPrefix}account:${account.id}`);
    await redis.quit();
    expect(Number(stored.points)).toBe(40);

    redisClock.advance(1_000);
    expect(errorCodes(await spendThrough(second.url))).toEqual([]);
    expect(errorCodes(await spendThrough(first.url))).toEqual(['COST_BUDGET_EXHAUSTED']);
  });
});
