import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { checkManifest, isManifestProblemList, sha256Hex } from '../subgraphs/common/persisted-manifest.js';

const run = promisify(execFile);
let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tandem-manifest-'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

async function manifest(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/persisted-manifest.ts', folder, ...args], { cwd: process.cwd() });
}

test('builds a valid manifest with fragments', async () => {
  await writeFile(join(folder, 'task.graphql'), 'query TaskPage($id: ID!) { task(id: $id) { ...TaskFields } }');
  await writeFile(join(folder, 'fragments.graphql'), 'fragment TaskFields on Task { id title assignees { ...Person } }\nfragment Person on Account { id name }');
  await writeFile(join(folder, 'create.graphql'), 'mutation CreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }');
  const { stdout } = await manifest();
  const parsed = JSON.parse(stdout);
  expect(parsed.format).toBe('apollo-persisted-query-manifest');
  expect(parsed.operations.map((operation: { name: string; type: string }) => [operation.name, operation.type])).toEqual([
    ['CreateTask', 'mutation'],
    ['TaskPage', 'query'],
  ]);
  const page = parsed.operations[1];
  expect(page.id).toBe(sha256Hex(page.body));
  expect(page.body).toContain('fragment TaskFields on Task');
  expect(page.body).toContain('fragment Person on Account');
  expect(isManifestProblemList(checkManifest(parsed))).toBe(false);
});

test('rejects an unnamed operation', async () => {
  await writeFile(join(folder, 'anonymous.graphql'), '{ viewer { account { id } } }');
  await expect(manifest()).rejects.toMatchObject({ stderr: expect.stringMatching(/without a name; name every operation/) });
});

test('checkManifest names every problem', () => {
  const body = 'query One { viewer { account { id } } }';
  const problems = checkManifest({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [
      { id: 'wrong', name: 'One', type: 'query', body },
      { id: sha256Hex(body), name: 'Two', type: 'mutation', body },
      { id: 'x', name: 'Broken', type: 'query', body: 'query {' },
    ],
  });
  expect(isManifestProblemList(problems)).toBe(true);
  expect((problems as Array<{ path: string[] }>).map((problem) => problem.path.join('.'))).toEqual([
    'operations.0.id',
    'operations.1.type',
    'operations.1.name',
    'operations.1.id',
    'operations.2.body',
  ]);
  expect(isManifestProblemList(checkManifest({ format: 'other', version: 2, operations: [] }))).toBe(true);
});
