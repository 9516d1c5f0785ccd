import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createPostgresDatabase, postGraphQL } from './harness.js';

// The deployment of docker-compose.yml without containers: the migration script, then each
// subgraph and the gateway as its own process, configured by environment variables alone.
// Separate processes cannot share an embedded PGlite, so this file needs DATABASE_URL.
const serverUrl = process.env.DATABASE_URL;

const children: ChildProcess[] = [];
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let gatewayUrl = '';
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
  gatewayUrl = await startService('start:gateway', { ...shared, IDENTITY_URL: identityUrl, SHARING_URL: sharingUrl, WORK_URL: workUrl });
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
