import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GATEWAY_SIGNATURE_HEADER } from '../subgraphs/common/gateway-signature.js';
import { subgraphNames } from '../subgraphs/common/subgraph.js';
import { dataOf, errorCodes, signFor, signUp, createProject, createTask, gql, type TestAccount } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';

// The gateway reaches the subgraphs either in its own process (`npm start`) or over loopback
// HTTP (separate processes). Both carry the same signed request and the same response, so each
// behaviour below must hold the same way over both.
describe.each(['in-process', 'http'] as const)('subgraph requests %s', (subgraphRequests) => {
  let graph: TestGraph;
  let owner: TestAccount;
  let httpRequests = 0;
  let allRequests = 0;

  beforeAll(async () => {
    graph = await startTestGraph({ subgraphRequests });
    owner = await signUp(graph, 'Odile Owner');
    for (const server of Object.values(graph.subgraphServers)) server.on('request', () => (httpRequests += 1));
    graph.onSubgraphRequest(() => (allRequests += 1));
  });
  afterAll(() => graph?.close());

  test('query across three subgraphs', async () => {
    const projectId = await createProject(graph, owner.token, 'Transport');
    await createTask(graph, owner.token, projectId, 'Carry the bytes');
    const before = { http: httpRequests, all: allRequests };
    const data = dataOf(
      await gql(graph, `query($id: ID!) { viewer { account { name } } project(id: $id) { name hostWorkspace { name } tasks(first: 5) { nodes { title } } } }`, { id: projectId }, owner.token),
    );
    expect(data.viewer.account.name).toBe('Odile Owner');
    expect(data.project.name).toBe('Transport');
    expect(data.project.tasks.nodes).toEqual([{ title: 'Carry the bytes' }]);
    // Over HTTP each subgraph fetch of the plan is a request on a subgraph's server; in process none is.
    expect(httpRequests - before.http).toBe(subgraphRequests === 'http' ? allRequests - before.all : 0);
    // Suites check that nothing reached a subgraph with onSubgraphRequest, which counts both paths.
    expect(allRequests - before.all).toBeGreaterThanOrEqual(3);
  });

  test('sign-in reaches later fetches', async () => {
    const projectId = await createProject(graph, owner.token, 'Seen after sign-in');
    // Sent without a token: only because the gateway follows the identity subgraph's session
    // change does the sharing subgraph see a member of the workspace.
    const response = await gql(
      graph,
      `mutation($input: LogInInput!) { logIn(input: $input) { accessToken currentWorkspace { id projects { id name } } userErrors { code } } }`,
      { input: { email: owner.email, password: owner.password } },
    );
    const payload = dataOf(response).logIn;
    expect(payload.userErrors).toEqual([]);
    expect(payload.currentWorkspace.projects).toContainEqual({ id: projectId, name: 'Seen after sign-in' });
  });

  test('unparsable variable gives BAD_USER_INPUT', async () => {
    const response = await gql(graph, `query($from: Date) { myTimeEntries(from: $from) { totalCount } }`, { from: '2026-02-30' }, owner.token);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.text).toContain('2026-02-30');
  });

  test('dispatch rejects bad signatures', async () => {
    const dispatch = graph.subgraphs.work.dispatch;
    if (subgraphRequests === 'http') {
      expect(dispatch).toBeUndefined();
      return;
    }
    const body = JSON.stringify({ query: '{ myTimeEntries { totalCount } }' });
    const headers = { 'content-type': 'application/json' };
    for (const signature of [undefined, 'not.a.jwt', await signFor(graph, 'work', body, null, { keyOf: 'identity' })]) {
      const reply = await dispatch!({ headers: signature === undefined ? headers : { ...headers, [GATEWAY_SIGNATURE_HEADER]: signature }, body });
      expect(reply.status).toBe(401);
      expect(JSON.parse(reply.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const signed = await signFor(graph, 'work', body, null);
    const tampered = await dispatch!({ headers: { ...headers, [GATEWAY_SIGNATURE_HEADER]: signed }, body: body.replace('totalCount', '__typename') });
    expect(tampered.status).toBe(401);
  });

  test('dispatch matches the HTTP answer', async () => {
    if (subgraphRequests === 'http') return;
    for (const name of subgraphNames) {
      const body = JSON.stringify({ query: '{ _service { sdl } }' });
      const signature = await signFor(graph, name, body, null);
      const reply = await graph.subgraphs[name].dispatch!({ headers: { 'content-type': 'application/json', [GATEWAY_SIGNATURE_HEADER]: signature }, body });
      const overHttp = await fetch(graph.subgraphs[name].url, { method: 'POST', headers: { 'content-type': 'application/json', [GATEWAY_SIGNATURE_HEADER]: signature }, body });
      expect(reply.status, name).toBe(overHttp.status);
      expect(JSON.parse(reply.body), name).toEqual(await overHttp.json());
    }
  });

  test('oversized dispatch body gives 413', async () => {
    if (subgraphRequests === 'http') return;
    const body = JSON.stringify({ query: `{ __typename }`, variables: { padding: 'x'.repeat(5 * 1024 * 1024) } });
    const reply = await graph.subgraphs.identity.dispatch!({ headers: { 'content-type': 'application/json' }, body });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).errors[0].extensions.code).toBe('REQUEST_BODY_TOO_LARGE');
  });
});
