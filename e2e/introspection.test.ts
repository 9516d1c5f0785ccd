import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dataOf, signUp, singleErrorOf, type TestAccount } from './builders.js';
import { expectNoLeak } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';

// Who may introspect the schema through the gateway: signed-in callers always, anonymous callers
// only when the gateway's setting allows it (ANONYMOUS_INTROSPECTION).

const schemaQuery = '{ __schema { queryType { name } } }';

/** Operations that select `__schema` or `__type` in every way a document can hide them. */
const hiddenIntrospection: Record<string, string> = {
  'plain __schema': '{ __schema { types { name } } }',
  'aliased __schema': '{ schema: __schema { queryType { name } } }',
  '__type': '{ __type(name: "Task") { fields { name } } }',
  'aliased __type': '{ task: __type(name: "Task") { name } }',
  'named fragment': 'query { ...Schema } fragment Schema on Query { __schema { queryType { name } } }',
  'nested fragments': 'query { ...Outer } fragment Outer on Query { ...Inner } fragment Inner on Query { t: __type(name: "Query") { name } }',
  'inline fragment': '{ ... on Query { __schema { queryType { name } } } }',
  'beside a data field': '{ viewer { account { name } } __schema { queryType { name } } }',
};

describe('anonymous introspection allowed', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ anonymousIntrospection: true });
  });
  afterAll(() => graph?.close());

  test('anonymous caller introspects', async () => {
    const data = dataOf(await graph.request(schemaQuery));
    expect(data.__schema.queryType.name).toBe('Query');
  });

  test('served schema equals public.graphql', async () => {
    const data = dataOf<IntrospectionQuery>(await graph.request(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true })));
    const served = `${printSchema(lexicographicSortSchema(buildClientSchema(data)))}\n`;
    const committed = readFileSync(new URL('../schema/public.graphql', import.meta.url), 'utf8');
    expect(served).toBe(committed);
  });
});

describe('anonymous introspection refused', () => {
  let graph: TestGraph;
  let account: TestAccount;
  let subgraphRequests = 0;

  beforeAll(async () => {
    graph = await startTestGraph({ anonymousIntrospection: false });
    account = await signUp(graph, 'Ina Introspect');
    graph.onSubgraphRequest(() => (subgraphRequests += 1));
  });
  afterAll(() => graph?.close());

  test.each(Object.entries(hiddenIntrospection))('anonymous %s is rejected', async (_case, query) => {
    const before = subgraphRequests;
    const response = await graph.request(query);
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    const error = singleErrorOf(response, 'UNAUTHENTICATED');
    expect(error.message).toContain('Authorization: Bearer');
    expect(subgraphRequests).toBe(before);
  });

  test.each(Object.entries(hiddenIntrospection))('signed-in %s is allowed', async (_case, query) => {
    expect(dataOf(await graph.request(query, undefined, account.token))).toBeTruthy();
  });

  test('rejection shows no internals', async () => {
    const response = await fetch(graph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: schemaQuery }) });
    expectNoLeak(await response.text());
  });

  test('anonymous GET introspection is rejected', async () => {
    const url = `${graph.url}?query=${encodeURIComponent(schemaQuery)}`;
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(response.status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });

  test('only the executed operation counts', async () => {
    const document = `query Viewer { viewer { account { name } } } query Schema { __schema { queryType { name } } }`;
    const named = (operationName?: string) =>
      fetch(graph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document, operationName }) });
    expect((await named('Viewer')).status).toBe(200);
    expect((await named('Schema')).status).toBe(401);
    // Without operationName the operation is ambiguous, and any operation that introspects counts.
    expect((await named()).status).toBe(401);
  });

  test('anonymous __typename and data are allowed', async () => {
    expect(dataOf(await graph.request('{ __typename }'))).toEqual({ __typename: 'Query' });
    expect(dataOf(await graph.request('{ viewer { account { name } } }'))).toEqual({ viewer: null });
  });
});
