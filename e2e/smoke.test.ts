import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestGraph, type TestGraph } from './harness.js';

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(() => graph?.close());

test('smoke', async () => {
  const signUp = await graph.request(`mutation($input: SignUpInput!) { signUp(input: $input) { accessToken account { id name email } currentWorkspace { id name viewerRole } userErrors { code field message } } }`, {
    input: { name: 'Ada', email: 'ada@example.com', password: 'correct horse battery' },
  });
  console.log(JSON.stringify(signUp, null, 1));
  const token = signUp.data.signUp.accessToken;
  const created = await graph.request(`mutation { createProject(input: { name: "Apollo" }) { project { id name hostWorkspace { name } members { isExternal account { name email } } } userErrors { code message } } }`, {}, token);
  console.log(JSON.stringify(created, null, 1));
  const projectId = created.data.createProject.project.id;
  const task = await graph.request(`mutation($p: ID!) { createTask(input: { projectId: $p, title: "First", dueDate: "2026-12-31" }) { task { id title status dueDate project { name } } userErrors { code message } } }`, { p: projectId }, token);
  console.log(JSON.stringify(task, null, 1));
  const viewer = await graph.request(`{ viewer { account { name } workspaces { name projects { name tasks(first: 10) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { title assignees { name } } } } } } } }`, {}, token);
  console.log(JSON.stringify(viewer, null, 1));
  expect(viewer.errors).toBeUndefined();
});
