// What a hostile or careless client must not be able to do: crash a process, run unbounded
// operations, get INTERNAL_SERVER_ERROR for its own mistakes, or lose writes to a second
// process on the same data folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readTokenTtl } from '../subgraphs/common/config.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { createProject, createTask, createWorkspace, dataOf, errorCodes, gql, send, signUp, type RawResponse } from './fixtures.js';

let graph: TestGraph;

beforeAll(async () => {
  graph = await startTestGraph();
});

afterAll(async () => {
  await graph?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the promise's value, or with `fallback` once `ms` have passed. */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts that a request was rejected as the client's fault: at least one error, no data and no INTERNAL_SERVER_ERROR. */
function expectRejected(response: RawResponse) {
  const codes = errorCodes(response);
  expect(codes.length, `status ${response.status}, no errors`).toBeGreaterThan(0);
  expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
  expect(response.data ?? null).toBeNull();
}

// --- Processes started as `npm start` starts them, on an embedded database of their own.

const root = fileURLToPath(new URL('..', import.meta.url));
const tsxCli = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface StartedTandem {
  /** The printed gateway URL, or null when the process exited before printing it. */
  url: Promise<string | null>;
  /** The exit code once the process has exited. */
  exited: Promise<number | null>;
  isRunning(): boolean;
  /** Standard output and standard error so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Runs scripts/start.ts in a process group of its own, on PGlite under `dataDir`, without demo data. */
function startTandem(dataDir: string): StartedTandem {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', DEMO_DATA: 'false', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [tsxCli, 'scripts/start.ts'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let running = true;
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => ((running = false), resolve(code))));
  const url = new Promise<string | null>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Tandem is running at (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exited.then(() => resolve(null));
  });
  return {
    url,
    exited,
    isRunning: () => running,
    output: () => output,
    stop: async () => {
      // The group also contains the node process that tsx starts, which may outlive tsx.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // The group has already exited.
      }
      if (running) await exited;
    },
  };
}

/** Writes raw bytes to a server and resolves with the text it sent back within `ms`. */
function sendRaw(url: string, payload: string, ms = 2_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(payload));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.setTimeout(ms, () => socket.destroy());
  });
}

test('malformed request target', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-findings-'));
  const tandem = startTandem(dataDir);
  try {
    const url = await tandem.url;
    expect(url, `npm start printed no URL:\n${tandem.output()}`).not.toBeNull();
    // One unauthenticated request whose target is not a parseable URL.
    await sendRaw(url!, 'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(500);
    expect(tandem.isRunning(), `the process exited:\n${tandem.output()}`).toBe(true);
    const health = await fetch(new URL('/health', url!)).catch(() => null);
    expect(health?.status).toBe(200);
  } finally {
    await tandem.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 90_000);

test('second start on one DATA_DIR', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-findings-'));
  const first = startTandem(dataDir);
  let second: StartedTandem | undefined;
  try {
    expect(await first.url, `the first npm start printed no URL:\n${first.output()}`).not.toBeNull();
    // Two PGlite processes on one data folder each keep their own state and overwrite each
    // other's files, so a second process must exit with an error.
    second = startTandem(dataDir);
    const secondUrl = await within(second.url, 60_000, 'still starting after 60 s');
    expect(secondUrl).toBeNull();
    expect(await second.exited).not.toBe(0);
  } finally {
    await second?.stop();
    await first.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

// --- Subgraph connections.

test('fan-out query after 5 s idle', async () => {
  const owner = await signUp(graph, 'Idle Owner');
  await createProject(graph, owner.token, 'Idle');
  const fields = Array.from({ length: 100 }, (_, index) => `p${index}: projects { tasks(first: 1) { totalCount } }`).join(' ');
  const codes: unknown[] = [];
  // Subgraphs close keep-alive sockets after 5 s without traffic, but the gateway may still send on them.
  for (const idleMs of [5_100, 5_300, 5_500, 5_700]) {
    await gql(graph, `{ ${fields} }`, undefined, owner.token);
    await sleep(idleMs);
    codes.push(...errorCodes(await gql(graph, `{ ${fields} }`, undefined, owner.token)));
  }
  expect(codes).toEqual([]);
}, 90_000);

// --- Limits on what one operation may cost.

test('deep nesting is rejected', async () => {
  const owner = await signUp(graph, 'Deep Owner');
  const projectId = await createProject(graph, owner.token, 'Deep');
  await createTask(graph, owner.token, projectId, 'Only task');
  // Each level can multiply the response by 100, so with 100 tasks three nested lists return a million tasks.
  let selection = 'title';
  for (let level = 0; level < 10; level += 1) selection = `title project { tasks(first: 100) { nodes { ${selection} } } }`;
  const response = await gql(graph, `query($id: ID!) { project(id: $id) { tasks(first: 100) { nodes { ${selection} } } } }`, { id: projectId }, owner.token);
  expectRejected(response);
  expect(response.status).toBe(400);
  expect(response.errors!.map((error) => error.extensions)).toEqual([{ code: 'MAX_DEPTH_EXCEEDED', limit: 12, value: 34 }]);
});

test('500 fan-out aliases are rejected', async () => {
  const owner = await signUp(graph, 'Alias Owner');
  await createProject(graph, owner.token, 'Aliased');
  // Each alias costs the gateway a separate request to the work subgraph. The fragment keeps
  // the operation below the token limit, so that the alias limit is the one it reaches.
  const fields = Array.from({ length: 500 }, (_, index) => `p${index}: projects { ...Count }`).join(' ');
  const response = await gql(graph, `{ ${fields} } fragment Count on Project { tasks(first: 1) { totalCount } }`, undefined, owner.token);
  expectRejected(response);
  expect(response.status).toBe(400);
  expect(response.errors!.map((error) => error.extensions)).toEqual([
    { code: 'MAX_ALIASES_EXCEEDED', limit: 100, value: 500 },
    { code: 'MAX_ROOT_FIELDS_EXCEEDED', limit: 100, value: 500 },
  ]);
}, 60_000);

// --- Faults that clients see as INTERNAL_SERVER_ERROR.

test('subscription operation', async () => {
  const response = await gql(graph, 'subscription { __typename }');
  expect(response.status).toBeLessThan(500);
  expectRejected(response);
});

test('several operations without operationName', async () => {
  const document = 'query A { __typename } query B { __typename }';
  const unnamed = await gql(graph, document);
  expect(unnamed.status).toBe(400);
  expect(unnamed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(unnamed.errors?.[0]?.message).toMatch(/name the one to run in "operationName"/);
  const wrong = await send(graph.url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document, operationName: 'C' }) });
  expect(wrong.status).toBe(400);
  expect(wrong.errors?.[0]?.message).toMatch(/contains no operation named "C"/);
  const named = await send(graph.url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document, operationName: 'B' }) });
  expect(named.data).toEqual({ __typename: 'Query' });
});

test('persisted query hash mismatch', async () => {
  const response = await send(graph.url, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }),
  });
  expect(response.status).toBe(400);
  expectRejected(response);
});

// --- Operations whose mutations should see each other's effects.

test('createProject after switchWorkspace', async () => {
  const owner = await signUp(graph, 'Switcher');
  const otherWorkspaceId = await createWorkspace(graph, owner.token, 'Other');
  const data = dataOf(
    await gql(
      graph,
      `mutation($switch: SwitchWorkspaceInput!) {
        switchWorkspace(input: $switch) { viewer { currentWorkspace { id } } userErrors { code } }
        createProject(input: { name: "Meant for Other" }) { project { hostWorkspace { id } } userErrors { code } }
      }`,
      { switch: { workspaceId: otherWorkspaceId } },
      owner.token,
    ),
  );
  expect(data.switchWorkspace.viewer.currentWorkspace.id).toBe(otherWorkspaceId);
  expect(data.createProject.project.hostWorkspace.id).toBe(otherWorkspaceId);
});

test('logIn payload reads projects', async () => {
  const owner = await signUp(graph, 'Payload Reader');
  await createProject(graph, owner.token, 'Visible');
  const response = await gql(
    graph,
    `mutation($input: LogInInput!) { logIn(input: $input) { currentWorkspace { projects { name } } userErrors { code } } }`,
    { input: { email: owner.email, password: owner.password } },
  );
  expect(errorCodes(response)).toEqual([]);
  expect(response.data.logIn.currentWorkspace.projects).toEqual([{ name: 'Visible' }]);
});

// --- Input checks.

test('NEL control character in a name', async () => {
  const owner = await signUp(graph, 'Namer');
  // U+0085 NEXT LINE is both a control character and a line break.
  const data = dataOf(
    await gql(graph, `mutation { createWorkspace(input: { name: "Acme\\u0085Ltd" }) { workspace { id } userErrors { code field } } }`, undefined, owner.token),
  );
  expect(data.createWorkspace.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'name'] }]);
});

test('due date before year 100', async () => {
  const owner = await signUp(graph, 'Historian');
  const projectId = await createProject(graph, owner.token, 'Antiquity');
  const response = await gql(
    graph,
    `mutation($input: CreateTaskInput!) { createTask(input: $input) { task { dueDate } userErrors { code } } }`,
    { input: { projectId, title: 'Old', dueDate: '0099-12-31' } },
    owner.token,
  );
  expect(errorCodes(response)).toEqual([]);
  expect(response.data.createTask.task.dueDate).toBe('0099-12-31');
});

// --- Configuration.

test('token lifetime of one day', () => {
  const saved = process.env.AUTH_TOKEN_TTL_SECONDS;
  process.env.AUTH_TOKEN_TTL_SECONDS = '86400';
  try {
    expect(readTokenTtl()).toBe(86_400);
  } finally {
    if (saved === undefined) delete process.env.AUTH_TOKEN_TTL_SECONDS;
    else process.env.AUTH_TOKEN_TTL_SECONDS = saved;
  }
});
