import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway } from '../gateway/gateway.js';
import type { PersistedOperationSettings } from '../gateway/persisted-operations.js';
import type { RunningServer } from '../subgraphs/common/http.js';
import { createLogger } from '../subgraphs/common/logger.js';
import { buildManifest, sha256Hex } from '../subgraphs/common/persisted-manifest.js';
import { createProject, dataOf, signUp, type TestAccount } from './builders.js';
import { postGraphQL, startTestGraph, type GraphQLResponse, type TestGraph } from './harness.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: the persisted query tests with Redis are skipped. Set REDIS_URL=redis://127.0.0.1:6379 to run them.');

const projectsQuery = 'query Projects { viewer { currentWorkspace { projects { id name } } } }';
const renameMutation = 'mutation Rename($input: RenameProjectInput!) { renameProject(input: $input) { project { name } userErrors { code } } }';
const manifest = buildManifest([
  { name: 'Projects', type: 'query', body: projectsQuery },
  { name: 'Rename', type: 'mutation', body: renameMutation },
]);

/** Sends an operation by its hash alone, with the text too when `query` is given. */
function byHash(url: string, hash: string, token?: string, query?: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  return postGraphQL(url, { query, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, token);
}

const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

async function createToken(graph: TestGraph, admin: TestAccount, scopes: string[]): Promise<{ id: string; secret: string }> {
  const data = dataOf(
    await graph.request(
      `mutation($input: CreateIntegrationTokenInput!) { createIntegrationToken(input: $input) { secret integrationToken { id } userErrors { code } } }`,
      { input: { workspaceId: admin.ownWorkspaceId, name: 'Partner app', scopes } },
      admin.token,
    ),
  );
  return { id: data.createIntegrationToken.integrationToken.id, secret: data.createIntegrationToken.secret };
}

async function register(graph: TestGraph, admin: TestAccount, tokenId: string, text: string) {
  return dataOf(
    await graph.request(
      `mutation($input: RegisterPersistedOperationsInput!) {
        registerPersistedOperations(input: $input) { integrationToken { persistedOperations { id name type } } userErrors { code field message } }
      }`,
      { input: { integrationTokenId: tokenId, manifest: text } },
      admin.token,
    ),
  ).registerPersistedOperations;
}

describe('automatic persisted queries in memory', () => {
  let graph: TestGraph;
  let admin: TestAccount;
  beforeAll(async () => {
    graph = await startTestGraph();
    admin = await signUp(graph, 'Ada Apq');
  });
  afterAll(() => graph?.close());

  test('an unknown hash asks for the text, then the hash alone works', async () => {
    const query = `query Apq { viewer { account { id } } } # ${randomUUID()}`;
    const hash = sha256Hex(query);
    expect(codeOf(await byHash(graph.url, hash, admin.token))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await byHash(graph.url, hash, admin.token, query)).data).toEqual({ viewer: { account: { id: admin.id } } });
    expect((await byHash(graph.url, hash, admin.token)).data).toEqual({ viewer: { account: { id: admin.id } } });
  });

  test('a hash that does not match the text is rejected', async () => {
    const response = await byHash(graph.url, sha256Hex('something else'), admin.token, 'query Mismatch { viewer { account { id } } }');
    expect(codeOf(response)).toBe('BAD_REQUEST');
    expect(response.errors?.[0]?.message).toMatch(/does not match/);
  });
});

describe('safelisting', () => {
  // Accounts and tokens are made through a graph without safelisting; each mode then gets a
  // gateway of its own over the same subgraphs.
  let graph: TestGraph;
  let admin: TestAccount;
  let token: { id: string; secret: string };
  let folder: string;
  let projectId: string;
  const gateways: RunningServer[] = [];

  async function gatewayIn(mode: PersistedOperationSettings['mode'], manifestDir: string | null = null): Promise<string> {
    const log = createLogger('test');
    log.level = 'silent';
    const gateway = await startGateway({
      db: graph.database.db,
      tokenKey: graph.tokenKey,
      subgraphs: graph.subgraphs,
      port: 0,
      host: '127.0.0.1',
      log,
      anonymousIntrospection: true,
      persistedOperations: { mode, manifestDir, redisUrl: null, apqTtlSeconds: 60 },
    });
    gateways.push(gateway);
    return gateway.url;
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tandem-manifests-'));
    const appOperation = 'query AppViewer { viewer { account { name } } }';
    await writeFile(join(folder, 'web-app.json'), JSON.stringify(buildManifest([{ name: 'AppViewer', type: 'query', body: appOperation }])));
    graph = await startTestGraph();
    admin = await signUp(graph, 'Ada Admin');
    projectId = await createProject(graph, admin.token, 'Safelisted');
    token = await createToken(graph, admin, ['READ', 'WRITE']);
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await graph?.close();
    await rm(folder, { recursive: true, force: true });
  });

  test('registration checks the manifest and lists the operations', async () => {
    const bad = await register(graph, admin, token.id, JSON.stringify({ ...manifest, operations: [{ ...manifest.operations[0], id: 'abc' }] }));
    expect(bad.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_MANIFEST', field: ['input', 'manifest', 'operations', '0', 'id'] })]);
    expect((await register(graph, admin, token.id, 'not json')).userErrors[0]).toMatchObject({ code: 'INVALID_MANIFEST', field: ['input', 'manifest'] });

    const good = await register(graph, admin, token.id, JSON.stringify(manifest));
    expect(good.userErrors).toEqual([]);
    expect(good.integrationToken.persistedOperations).toEqual([
      { id: manifest.operations[0]!.id, name: 'Projects', type: 'query' },
      { id: manifest.operations[1]!.id, name: 'Rename', type: 'mutation' },
    ]);
    // The token itself may not register operations.
    const self = await graph.request(
      `mutation($input: RegisterPersistedOperationsInput!) { registerPersistedOperations(input: $input) { userErrors { code } } }`,
      { input: { integrationTokenId: token.id, manifest: JSON.stringify(manifest) } },
      token.secret,
    );
    expect(codeOf(self)).toBe('FORBIDDEN');
  });

  test('enforce: registered operations run by id or by text up to whitespace', async () => {
    const url = await gatewayIn('enforce');
    const [projects, rename] = manifest.operations;
    expect((await byHash(url, projects!.id, token.secret)).data.viewer.currentWorkspace.projects).toEqual([{ id: projectId, name: 'Safelisted' }]);
    const renamed = await byHash(url, rename!.id, token.secret, undefined, { input: { projectId, name: 'Renamed by id' } });
    expect(renamed.data.renameProject).toEqual({ project: { name: 'Renamed by id' }, userErrors: [] });
    const spaced = await postGraphQL(url, { query: 'query Projects {\n  viewer {\n    currentWorkspace { projects { id, name } }\n  }\n}' }, token.secret);
    expect(spaced.errors).toBeUndefined();
  });

  test('enforce: unknown id and free text are rejected before any subgraph runs', async () => {
    const url = await gatewayIn('enforce');
    let subgraphRequests = 0;
    const stopCounting = graph.onSubgraphRequest((_subgraph, target) => {
      if (target.startsWith('/graphql')) subgraphRequests += 1;
    });
    const unknown = await byHash(url, sha256Hex('query Other { __typename }'), token.secret);
    expect(unknown.status).toBe(400);
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const free = await postGraphQL(url, { query: 'query Other { viewer { account { id } } }' }, token.secret);
    expect(codeOf(free)).toBe('OPERATION_NOT_IN_SAFELIST');
    expect(free.errors?.[0]?.message).toMatch(/Other is not registered/);
    stopCounting();
    expect(subgraphRequests).toBe(0);
  });

  test('enforce: first-party apps run the folder manifests only', async () => {
    const url = await gatewayIn('enforce', folder);
    expect((await postGraphQL(url, { query: 'query AppViewer { viewer { account { name } } }' }, admin.token)).data).toEqual({ viewer: { account: { name: 'Ada Admin' } } });
    expect(codeOf(await postGraphQL(url, { query: projectsQuery }, admin.token))).toBe('OPERATION_NOT_IN_SAFELIST');
    // Without manifests in a folder, people's apps are not limited.
    expect((await postGraphQL(await gatewayIn('enforce'), { query: projectsQuery }, admin.token)).errors).toBeUndefined();
  });

  test('log: unknown operations run', async () => {
    const url = await gatewayIn('log', folder);
    expect((await postGraphQL(url, { query: 'query Other { viewer { account { id } } }' }, token.secret)).errors).toBeUndefined();
    expect((await postGraphQL(url, { query: projectsQuery }, admin.token)).errors).toBeUndefined();
  });

  test('off: no list applies', async () => {
    const url = await gatewayIn('off', folder);
    expect((await postGraphQL(url, { query: 'query Other { viewer { account { id } } }' }, token.secret)).errors).toBeUndefined();
    expect(codeOf(await byHash(url, sha256Hex(`query Fresh { __typename } # ${randomUUID()}`), token.secret))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe.skipIf(!redisUrl)('two gateways, one Redis', () => {
  let first: TestGraph;
  let second: RunningServer;
  let admin: TestAccount;

  beforeAll(async () => {
    const settings = { mode: 'enforce' as const, redisUrl: redisUrl! };
    first = await startTestGraph({ persistedOperations: settings });
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
      persistedOperations: { mode: 'enforce', manifestDir: null, redisUrl: redisUrl!, apqTtlSeconds: 60 },
    });
    admin = await signUp(first, 'Ada Replica');
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  test('a query persisted through one runs by hash through the other', async () => {
    const query = `query Replicated { viewer { account { id } } } # ${randomUUID()}`;
    const hash = sha256Hex(query);
    expect((await byHash(first.url, hash, admin.token, query)).data).toEqual({ viewer: { account: { id: admin.id } } });
    expect((await byHash(second.url, hash, admin.token)).data).toEqual({ viewer: { account: { id: admin.id } } });
    const redis = new Redis(redisUrl!);
    expect(await redis.exists(`tandem:apq:apq:${hash}`)).toBe(1);
    await redis.quit();
  });

  test('an operation registered through one is accepted by the other', async () => {
    const token = await createToken(first, admin, ['READ']);
    expect((await register(first, admin, token.id, JSON.stringify(manifest))).userErrors).toEqual([]);
    const response = await byHash(second.url, manifest.operations[0]!.id, token.secret);
    expect(response.errors).toBeUndefined();
    expect(codeOf(await byHash(second.url, sha256Hex('query Unlisted { __typename }'), token.secret))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});
