import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { auditEvents } from '../db/sharing/schema.js';
import { addProjectMember, assignTask, createProject, createTask, dataOf, joinWorkspace, signUp, type TestAccount } from './builders.js';
import { postGraphQL, startTestGraph, type GraphQLResponse, type TestGraph } from './harness.js';
import { roles } from './sharing-builders.js';
import { addExternalMember } from './time-builders.js';

let graph: TestGraph;
let host: TestAccount;
let member: TestAccount;
let external: TestAccount;
let projectId: string;
let otherProjectId: string;
let assignedTaskId: string;
let hiddenTaskId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  host = await signUp(graph, 'Vera Viewer');
  projectId = await createProject(graph, host.token, 'Viewed project');
  otherProjectId = await createProject(graph, host.token, 'Other project');
  assignedTaskId = await createTask(graph, host.token, { projectId, title: 'Assigned' });
  hiddenTaskId = await createTask(graph, host.token, { projectId, title: 'Hidden' });
  member = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Max Member', 'MEMBER');
  await addProjectMember(graph, host.token, projectId, member.id);
  await addProjectMember(graph, host.token, otherProjectId, member.id);
  external = await signUp(graph, 'Eve External');
  await addExternalMember(graph, projectId, external, host, roles.externalAssignee);
  await assignTask(graph, host.token, assignedTaskId, external.id);
});
afterAll(() => graph?.close());

function viewAs(query: string, variables: Record<string, unknown>, token: string, header: string): Promise<GraphQLResponse> {
  return postGraphQL(graph.url, { query, variables }, token, { 'tandem-view-as': header });
}

async function auditCount(accountId: string) {
  const rows = await graph.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'project_viewed_as'), eq(auditEvents.targetAccountId, accountId), eq(auditEvents.actorAccountId, host.id)));
  return rows.length;
}

const projectQuery = `query($id: ID!) { project(id: $id) { name viewerIsExternal tasks(first: 10) { nodes { id title } } } }`;

test('view-as matches member view, audited once', async () => {
  const before = await auditCount(external.id);
  const own = dataOf(await graph.request(projectQuery, { id: projectId }, external.token));
  const seen = dataOf(await viewAs(projectQuery, { id: projectId }, host.token, `${projectId}:${external.id}`));
  expect(seen).toEqual(own);
  expect(seen.project.tasks.nodes.map((task: { id: string }) => task.id)).toEqual([assignedTaskId]);
  expect(dataOf(await viewAs(`query($id: ID!) { task(id: $id) { id } }`, { id: hiddenTaskId }, host.token, `${projectId}:${external.id}`)).task).toBeNull();
  expect(await auditCount(external.id)).toBe(before + 2);
  const [event] = await graph.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'project_viewed_as'), eq(auditEvents.targetAccountId, external.id)));
  expect(event).toMatchObject({ projectId, actorAccountId: host.id, workspaceId: host.ownWorkspaceId });
});

test('other projects of the member stay hidden', async () => {
  const header = `${projectId}:${member.id}`;
  expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { id } }`, { id: otherProjectId }, member.token)).project).not.toBeNull();
  expect(dataOf(await viewAs(`query($id: ID!) { project(id: $id) { id } }`, { id: otherProjectId }, host.token, header)).project).toBeNull();
});

test('mutations and fields outside the project are rejected', async () => {
  const header = `${projectId}:${member.id}`;
  const mutation = await viewAs(`mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { name } } }`, { input: { projectId, name: 'Changed' } }, host.token, header);
  expect(mutation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { name } }`, { id: projectId }, host.token)).project.name).toBe('Viewed project');

  for (const query of [`{ viewer { workspaces { id } } }`, `{ projects { id } }`, `query($id: ID!) { project(id: $id) { hostWorkspace { projects { id } } } }`]) {
    const response = await viewAs(query, { id: projectId }, host.token, header);
    expect(response.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    expect(response.data ?? null).toBeNull();
  }
});

test('view-as needs a host admin', async () => {
  const outsider = await signUp(graph, 'Otto Outsider');
  const cases: [string, string][] = [
    [member.token, `${projectId}:${external.id}`],
    [host.token, `${projectId}:${outsider.id}`],
    [host.token, `${outsider.ownWorkspaceId}:${member.id}`],
    [host.token, 'not-a-header'],
    [outsider.token, `${projectId}:${member.id}`],
  ];
  for (const [token, header] of cases) {
    const response = await viewAs(projectQuery, { id: projectId }, token, header);
    expect(response.status, header).toBe(403);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  const anonymous = await viewAs(projectQuery, { id: projectId }, '', `${projectId}:${member.id}`);
  expect(anonymous.status).toBe(401);
});
