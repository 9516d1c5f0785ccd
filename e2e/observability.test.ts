// Health, readiness, metrics and request ids, through the gateway and each subgraph.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway } from '../gateway/gateway.js';
import { defaultLimitSettings } from '../gateway/limits.js';
import { createLogger } from '../subgraphs/common/logger.js';
import { subgraphNames } from '../subgraphs/common/subgraph.js';
import { errorCodes, gql, send, signUp, type TestAccount } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';

/** Log lines of every server of the graph, parsed. */
const logLines: Record<string, unknown>[] = [];
let graph: TestGraph;
let account: TestAccount;

beforeAll(async () => {
  const log = createLogger('test', { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  log.level = 'debug';
  graph = await startTestGraph({ log, subgraphRequests: 'http' });
  account = await signUp(graph, 'Observed');
});

afterAll(async () => {
  await graph?.close();
});

/** Returns the URL of `path` on the server whose GraphQL URL is `graphqlUrl`. */
const pathOn = (graphqlUrl: string, path: string) => new URL(path, graphqlUrl).toString();

/** Returns a loopback port with no server behind it. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Reads one sample of a Prometheus text exposition, such as `name{label="value"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function metricsOf(graphqlUrl: string): Promise<string> {
  const response = await fetch(pathOn(graphqlUrl, '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe('health and readiness', () => {
  test('health on every server', async () => {
    for (const url of [graph.url, ...subgraphNames.map((name) => graph.subgraphs[name].url)]) {
      const response = await fetch(pathOn(url, '/health'));
      expect(response.status, url).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
  });

  test('gateway ready with its dependencies', async () => {
    const response = await fetch(pathOn(graph.url, '/ready'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', identity: 'ok', sharing: 'ok', work: 'ok' } });
  });

  test('subgraph ready with its database', async () => {
    for (const name of subgraphNames) {
      const response = await fetch(pathOn(graph.subgraphs[name].url, '/ready'));
      expect(response.status, name).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
    }
  });

  test('gateway not ready with a subgraph down', async () => {
    const log = createLogger('test');
    log.level = 'silent';
    const gateway = await startGateway({
      db: graph.database.db,
      tokenKey: graph.tokenKey,
      subgraphs: { ...graph.subgraphs, work: { ...graph.subgraphs.work, url: `http://127.0.0.1:${await closedPort()}/graphql` } },
      port: 0,
      host: '127.0.0.1',
      log,
      anonymousIntrospection: true,
      limits: { ...defaultLimitSettings, budget: null },
    });
    try {
      const response = await fetch(pathOn(gateway.url, '/ready'));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'not ready', checks: { database: 'ok', identity: 'ok', sharing: 'ok', work: 'failed' } });
      // Liveness does not depend on the subgraphs.
      expect((await fetch(pathOn(gateway.url, '/health'))).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe('metrics', () => {
  test('gateway metrics after requests', async () => {
    const before = await metricsOf(graph.url);
    const named = sample(before, 'tandem_graphql_request_duration_seconds_count{operation="ObservedAccount"}') ?? 0;

    expect(errorCodes(await gql(graph, 'query ObservedAccount { viewer { account { name } } }', undefined, account.token))).toEqual([]);
    expect(errorCodes(await gql(graph, '{ __typename }'))).toEqual([]);
    let deep = 'title';
    for (let level = 0; level < 4; level += 1) deep = `project { tasks(first: 1) { nodes { ${deep} } } }`;
    const deepQuery = `{ task(id: "00000000-0000-4000-8000-000000000000") { ${deep} } }`;
    expect(errorCodes(await gql(graph, deepQuery, undefined, account.token))).toEqual(['MAX_DEPTH_EXCEEDED']);
    expect(errorCodes(await gql(graph, '{ viewer { account { name } } }', undefined, 'not-a-token'))).toEqual(['UNAUTHENTICATED']);

    const after = await metricsOf(graph.url);
    const grew = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
    expect(sample(after, 'tandem_graphql_request_duration_seconds_count{operation="ObservedAccount"}')).toBe(named + 1);
    expect(grew('tandem_graphql_request_duration_seconds_count{operation="(anonymous)"}')).toBe(1);
    // The depth rejection never resolved an operation.
    expect(grew('tandem_graphql_request_duration_seconds_count{operation="(unresolved)"}')).toBe(1);
    expect(grew('tandem_graphql_errors_total{code="MAX_DEPTH_EXCEEDED"}')).toBe(1);
    expect(grew('tandem_graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
    expect(grew('tandem_limit_rejections_total{limit="depth"}')).toBe(1);
    expect(sample(after, 'tandem_limit_rejections_total{limit="cost_budget"}')).toBe(0);
    expect(grew('tandem_http_requests_total{route="/graphql",method="POST",status="200"}')).toBe(2);
    expect(grew('tandem_http_requests_total{route="/graphql",method="POST",status="400"}')).toBe(1);
    expect(grew('tandem_http_requests_total{route="/graphql",method="POST",status="401"}')).toBe(1);
    expect(grew('tandem_subgraph_fetch_duration_seconds_count{subgraph="identity",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('process_cpu_user_seconds_total');
    expect(after).toMatch(/^tandem_graphql_request_duration_seconds_bucket\{le="0\.005",operation="ObservedAccount"\} \d+$/m);
  });

  test('subgraph metrics', async () => {
    await gql(graph, 'query SubgraphMetrics { viewer { account { name } } }', undefined, account.token);
    const text = await metricsOf(graph.subgraphs.identity.url);
    expect(sample(text, 'tandem_http_requests_total{route="/graphql",method="POST",status="200"}')).toBeGreaterThan(0);
    expect(text).toContain('tandem_graphql_request_duration_seconds_count{operation=');
    expect(text).not.toContain('tandem_subgraph_fetch_duration_seconds');
  });

  test('operation names beyond the cap grouped', async () => {
    for (let index = 0; index < 105; index += 1) await gql(graph, `query Distinct${index} { __typename }`);
    const text = await metricsOf(graph.url);
    const labels = new Set([...text.matchAll(/tandem_graphql_request_duration_seconds_count\{operation="([^"]+)"\}/g)].map((match) => match[1]));
    expect(labels.size).toBeLessThanOrEqual(100 + 3);
    expect(labels).toContain('(other)');
  });
});

describe('request id', () => {
  test('request id in every log line', async () => {
    const requestId = `observed-${randomBytes(6).toString('hex')}`;
    const receivedIds: Record<string, unknown> = {};
    const listeners = subgraphNames.map((name) => {
      const listener = (request: { headers: Record<string, unknown> }) => void (receivedIds[name] ??= request.headers['x-request-id']);
      graph.subgraphServers[name].on('request', listener);
      return () => graph.subgraphServers[name].off('request', listener);
    });

    logLines.length = 0;
    let response;
    try {
      response = await send(graph.url, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: 'query Traced { viewer { account { name } currentWorkspace { name projects { name } } } }' }),
      });
    } finally {
      for (const remove of listeners) remove();
    }
    expect(response.errors).toBeUndefined();
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(receivedIds).toEqual({ identity: requestId, sharing: requestId });

    const lines = [...logLines];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.requestId, JSON.stringify(line)).toBe(requestId);
    expect(lines.some((line) => line.component === 'gateway')).toBe(true);
    expect(lines.some((line) => line.subgraph === 'identity')).toBe(true);
    expect(lines.some((line) => line.subgraph === 'sharing')).toBe(true);
  });

  test('invalid request id replaced', async () => {
    const response = await send(graph.url, { headers: { 'content-type': 'application/json', 'x-request-id': 'no spaces allowed' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
