import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPostgresDatabase, postGraphQL } from './harness.js';

// The deployment of docker-compose.yml without containers: the migration script, then each
// subgraph and the gateway as its own process, configured by environment variables alone.
// Separate processes cannot share an embedded PGlite, so this file needs DATABASE_URL.
const serverUrl = process.env.DATABASE_URL;

const children: ChildProcess[] = [];
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let gatewayUrl = '';
/** A second gateway process over the same subgraphs; it shares Redis with the first when REDIS_URL is set. */
let secondGatewayUrl = '';
const redisUrl = process.env.REDIS_URL;
let workUrl = '';

/** Runs an npm script as a child process and resolves with the URL it logs as listening. */
function startService(script: string, environment: Record<string, string>): Promise<string> {
  // Its own process group, so that stopping it reaches npm, tsx and node alike.
  const child = spawn('npm', ['run', '--silent', script], { env: { ...process.env, ...environment, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  children.push(child);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const url = line.startsWith('{') ? (JSON.parse(line) as { url?: string }).url : undefined;
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`npm run ${script} exited with code ${code} before listening.`)));
  });
}

async function runScript(script: string, environment: Record<string, string>): Promise<number | null> {
  const child = spawn('npm', ['run', '--silent', script], { env: { ...process.env, ...environment }, stdio: 'ignore' });
  const [code] = await once(child, 'exit');
  return code as number | null;
}

beforeAll(async () => {
  if (!serverUrl) return;
  database = await createPostgresDatabase(serverUrl);
  const shared = {
    DATABASE_URL: database.url,
    PORT: '0',
    AUTH_TOKEN_SECRET: randomBytes(32).toString('hex'),
    IDENTITY_SUBGRAPH_SECRET: randomBytes(32).toString('hex'),
    SHARING_SUBGRAPH_SECRET: randomBytes(32).toString('hex'),
    WORK_SUBGRAPH_SECRET: randomBytes(32).toString('hex'),
  };
  expect(await runScript('migrate', shared)).toBe(0);

  const [identityUrl, sharingUrl, work] = await Promise.all([
    startService('start:identity', shared),
    startService('start:sharing', shared),
    startService('start:work', shared),
  ]);
  workUrl = work;
  const gateway = {
    ...shared,
    IDENTITY_URL: identityUrl,
    SHARING_URL: sharingUrl,
    WORK_URL: workUrl,
    // Integration tokens run only their registered operations; people are not limited without manifests.
    PERSISTED_OPERATIONS: 'enforce',
    // A budget small enough to spend in a test, refilled at 1 point a second.
    MAX_QUERY_COST: '2000',
    COST_BUDGET_CAPACITY: '2000',
    COST_BUDGET_REFILL_PER_SECOND: '1',
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `tandem-processes-${randomBytes(6).toString('hex')}:` } : {}),
  };
  [gatewayUrl, secondGatewayUrl] = await Promise.all([startService('start:gateway', gateway), startService('start:gateway', gateway)]);
}, 120_000);

afterAll(async () => {
  const exits = children.filter((child) => child.exitCode === null).map((child) => once(child, 'exit'));
  for (const child of children) if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
  await Promise.all(exits);
  await database?.drop();
});

test.skipIf(!serverUrl)('separate processes serve a sign-up, a project and a task', async () => {
  const signUp = await postGraphQL(gatewayUrl, {
    query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken userErrors { code } } }',
    variables: { input: { name: 'Pat', email: 'pat@example.com', password: 'a long enough password' } },
  });
  expect(signUp.errors).toBeUndefined();
  const token = signUp.data.signUp.accessToken as string;

  const project = await postGraphQL(gatewayUrl, { query: 'mutation { createProject(input: { name: "Launch" }) { project { id } } }' }, token);
  expect(project.errors).toBeUndefined();
  const projectId = project.data.createProject.project.id as string;

  const task = await postGraphQL(
    gatewayUrl,
    { query: 'mutation($p: ID!) { createTask(input: { projectId: $p, title: "Write copy" }) { task { id } } }', variables: { p: projectId } },
    token,
  );
  expect(task.errors).toBeUndefined();

  const read = await postGraphQL(gatewayUrl, { query: '{ viewer { currentWorkspace { projects { name tasks { nodes { title createdBy { name } } } } } } }' }, token);
  expect(read.errors).toBeUndefined();
  expect(read.data.viewer.currentWorkspace.projects).toEqual([{ name: 'Launch', tasks: { nodes: [{ title: 'Write copy', createdBy: { name: 'Pat' } }] } }]);
});

test.skipIf(!serverUrl)('subgraph process rejects unsigned requests', async () => {
  const response = await fetch(workUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ errors: [{ message: 'This subgraph accepts only requests signed by the Tandem gateway.', extensions: { code: 'UNAUTHENTICATED' } }] });
});

describe.skipIf(!serverUrl || !redisUrl)('two gateway processes share Redis', () => {
  const projectsQuery = 'query Projects { viewer { currentWorkspace { projects { id } } } }';
  let admin = '';
  let workspaceId = '';

  beforeAll(async () => {
    const signUp = await postGraphQL(gatewayUrl, {
      query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken currentWorkspace { id } userErrors { code } } }',
      variables: { input: { name: 'Rae', email: 'rae@example.com', password: 'a long enough password' } },
    });
    admin = signUp.data.signUp.accessToken;
    workspaceId = signUp.data.signUp.currentWorkspace.id;
  });

  test('an operation registered through one runs by id through the other', async () => {
    const created = await postGraphQL(
      gatewayUrl,
      {
        query: 'mutation($input: CreateIntegrationTokenInput!) { createIntegrationToken(input: $input) { secret integrationToken { id } } }',
        variables: { input: { workspaceId, name: 'Sync', scopes: ['READ'] } },
      },
      admin,
    );
    const { secret, integrationToken } = created.data.createIntegrationToken;
    const manifest = JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(projectsQuery), name: 'Projects', type: 'query', body: projectsQuery }] });
    const registered = await postGraphQL(
      gatewayUrl,
      { query: 'mutation($input: RegisterPersistedOperationsInput!) { registerPersistedOperations(input: $input) { userErrors { code } } }', variables: { input: { integrationTokenId: integrationToken.id, manifest } } },
      admin,
    );
    expect(registered.data.registerPersistedOperations.userErrors).toEqual([]);

    const byId = await postGraphQL(secondGatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(projectsQuery) } } }, secret);
    expect(byId.errors).toBeUndefined();
    expect(byId.data.viewer.currentWorkspace.projects).toEqual([]);
    const unknown = await postGraphQL(secondGatewayUrl, { query: 'query Other { __typename }' }, secret);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_IN_SAFELIST');
  });

  test('a query persisted through one runs by hash through the other', async () => {
    const query = `query Shared { viewer { account { name } } } # ${randomBytes(8).toString('hex')}`;
    const first = await postGraphQL(gatewayUrl, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }, admin);
    expect(first.data).toEqual({ viewer: { account: { name: 'Rae' } } });
    const second = await postGraphQL(secondGatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }, admin);
    expect(second.data).toEqual({ viewer: { account: { name: 'Rae' } } });
  });

  test('a budget spent through one is spent for both', async () => {
    // Each request of this operation costs more than the budget refills between two requests.
    const costly = '{ viewer { workspaces { projects { id name } } } }';
    const remainingAfter = async (url: string) => {
      const response = await postGraphQL(url, { query: costly }, admin);
      return { code: response.errors?.[0]?.extensions?.code as string | undefined, remaining: response.extensions?.cost?.budget?.remaining as number | undefined };
    };
    const viaFirst = await remainingAfter(gatewayUrl);
    const viaSecond = await remainingAfter(secondGatewayUrl);
    expect(viaFirst.code).toBeUndefined();
    expect(viaSecond.remaining).toBeLessThan(viaFirst.remaining!);

    let exhausted: string | undefined;
    for (let attempt = 0; attempt < 50 && !exhausted; attempt += 1) exhausted = (await remainingAfter(gatewayUrl)).code;
    expect(exhausted).toBe('COST_BUDGET_EXHAUSTED');
    expect((await remainingAfter(secondGatewayUrl)).code).toBe('COST_BUDGET_EXHAUSTED');
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
