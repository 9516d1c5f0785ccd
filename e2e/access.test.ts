import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { GATEWAY_SIGNATURE_HEADER, secretKey } from '../subgraphs/common/gateway-signature.js';
import { subgraphNames, type SubgraphName } from '../subgraphs/common/subgraph.js';
import type { Viewer } from '../subgraphs/common/viewer.js';
import {
  addWorkspaceMember,
  assignTask,
  createProject,
  createTask,
  dataOf,
  entitiesBody,
  errorCodes,
  expectForbidden,
  expectNoLeak,
  expectRejected401,
  gql,
  postSignedToSubgraph,
  postToSubgraph,
  send,
  signFor,
  signUp,
  switchWorkspace,
  viewerOf,
  type RawResponse,
  type TestAccount,
} from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';

let graph: TestGraph;
/** Admin of workspace W, member of project P, creator and assignee of task T. */
let owner: TestAccount;
/** An account with a workspace of its own, member of neither W nor P. */
let stranger: TestAccount;
let projectId: string;
let taskId: string;
let strangerProjectId: string;

const projectName = 'Confidential merger plan';
const taskTitle = 'Draft the undisclosed terms';

beforeAll(async () => {
  graph = await startTestGraph();
  owner = await signUp(graph, 'Olivia');
  stranger = await signUp(graph, 'Sam');
  projectId = await createProject(graph, owner.token, projectName);
  taskId = await createTask(graph, owner.token, projectId, taskTitle);
  await assignTask(graph, owner.token, taskId, owner.id);
  strangerProjectId = await createProject(graph, stranger.token, 'Sam side project');
});
afterAll(() => graph?.close());

const projectStateQuery = `query($id: ID!) {
  project(id: $id) {
    id name archivedAt viewerIsMember
    hostWorkspace { id }
    members { account { id } }
    tasks(first: 100) { totalCount nodes { id title description status dueDate assignees { id } } }
  }
}`;

/** Reads the project with its members and tasks as the owner. */
async function ownerView() {
  const { project } = dataOf(await gql(graph, projectStateQuery, { id: projectId }, owner.token));
  expect(project).not.toBeNull();
  return project;
}

// Reading as a stranger

test('project by id for a stranger', async () => {
  expect(dataOf(await gql(graph, projectStateQuery, { id: projectId }, stranger.token)).project).toBeNull();
  expect(dataOf(await gql(graph, projectStateQuery, { id: randomUUID() }, stranger.token)).project).toBeNull();
  // The owner reads the same query, so the query itself is sound.
  expect((await ownerView()).name).toBe(projectName);
});

test('task by id for a stranger', async () => {
  const query = `query($id: ID!) { task(id: $id) { id title project { id name } assignees { id } } }`;
  const response = await gql(graph, query, { id: taskId }, stranger.token);
  expect(dataOf(response).task).toBeNull();
  expect(response.text).not.toContain(taskTitle);
  expect(dataOf(await gql(graph, query, { id: taskId }, owner.token)).task).toMatchObject({ id: taskId, title: taskTitle, project: { id: projectId } });
});

test('projects for a stranger', async () => {
  for (const includeArchived of [false, true]) {
    const response = await gql(graph, `query($all: Boolean) { projects(includeArchived: $all) { id name } }`, { all: includeArchived }, stranger.token);
    expect(dataOf(response).projects).toEqual([{ id: strangerProjectId, name: 'Sam side project' }]);
    expect(response.text).not.toContain(projectName);
  }
});

test('viewer.workspaces for a stranger', async () => {
  const response = await gql(graph, `{ viewer { workspaces { id projects(includeArchived: true) { id } } } }`, {}, stranger.token);
  expect(dataOf(response).viewer.workspaces).toEqual([{ id: stranger.workspaceId, projects: [{ id: strangerProjectId }] }]);
});

test('project for a workspace member outside it', async () => {
  // A plain MEMBER of W who was not added to P can neither read nor change P, like a stranger.
  const member = await signUp(graph, 'Mia');
  await addWorkspaceMember(graph, owner.token, owner.workspaceId, member.email, 'MEMBER');
  await switchWorkspace(graph, member.token, owner.workspaceId);
  const before = await ownerView();

  expect(dataOf(await gql(graph, projectStateQuery, { id: projectId }, member.token)).project).toBeNull();
  expect(dataOf(await gql(graph, `query($id: ID!) { task(id: $id) { id } }`, { id: taskId }, member.token)).task).toBeNull();
  expect(dataOf(await gql(graph, `{ projects(includeArchived: true) { id } }`, {}, member.token)).projects).toEqual([]);
  expectForbidden(await gql(graph, `mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { id } } }`, { input: { projectId, name: 'Renamed by member' } }, member.token));
  expectForbidden(await gql(graph, `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { id } } }`, { input: { taskId, title: 'Renamed by member' } }, member.token));
  expect(await ownerView()).toEqual(before);
});

test('project by id without a token', async () => {
  const response = await gql(graph, projectStateQuery, { id: projectId });
  expect(errorCodes(response), response.text).toEqual(['UNAUTHENTICATED']);
  expect(response.text).not.toContain(projectName);
});

// Changing W's project and task as a stranger

interface MutationCase {
  name: string;
  query: string;
  input: () => Record<string, unknown>;
}

const mutationCases: MutationCase[] = [
  {
    name: 'renameProject',
    query: `mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { id name } userErrors { code } } }`,
    input: () => ({ projectId, name: 'Hijacked' }),
  },
  {
    name: 'archiveProject',
    query: `mutation($input: ProjectIdInput!) { archiveProject(input: $input) { project { id archivedAt } userErrors { code } } }`,
    input: () => ({ projectId }),
  },
  {
    name: 'unarchiveProject',
    query: `mutation($input: ProjectIdInput!) { unarchiveProject(input: $input) { project { id archivedAt } userErrors { code } } }`,
    input: () => ({ projectId }),
  },
  {
    name: 'addProjectMember',
    query: `mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { project { id members { account { id } } } userErrors { code } } }`,
    input: () => ({ projectId, accountId: stranger.id }),
  },
  {
    name: 'removeProjectMember',
    query: `mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { project { id } userErrors { code } } }`,
    input: () => ({ projectId, accountId: owner.id }),
  },
  {
    name: 'createTask',
    query: `mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } userErrors { code } } }`,
    input: () => ({ projectId, title: 'Planted task' }),
  },
  {
    name: 'updateTask',
    query: `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { id title } userErrors { code } } }`,
    input: () => ({ taskId, title: 'Overwritten', description: 'Overwritten', status: 'CANCELLED', dueDate: '2030-01-01' }),
  },
  {
    name: 'assignTask',
    query: `mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id } userErrors { code } } }`,
    input: () => ({ taskId, accountId: stranger.id }),
  },
  {
    name: 'unassignTask',
    query: `mutation($input: TaskAssigneeInput!) { unassignTask(input: $input) { task { id } userErrors { code } } }`,
    input: () => ({ taskId, accountId: owner.id }),
  },
];

for (const mutation of mutationCases) {
  test(`${mutation.name} by a stranger`, async () => {
    const before = await ownerView();
    const response = await gql(graph, mutation.query, { input: mutation.input() }, stranger.token);
    expectForbidden(response);
    expect(response.text).not.toContain(projectName);
    expect(response.text).not.toContain(taskTitle);
    expect(await ownerView()).toEqual(before);
  });
}

test('mutations on a missing project', async () => {
  // A missing project and a hidden one are rejected alike, so IDs cannot be probed.
  const missing = randomUUID();
  expectForbidden(await gql(graph, `mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { id } } }`, { input: { projectId: missing, name: 'X' } }, stranger.token));
  expectForbidden(await gql(graph, `mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`, { input: { projectId: missing, title: 'X' } }, stranger.token));
  expectForbidden(await gql(graph, `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { id } } }`, { input: { taskId: missing, title: 'X' } }, stranger.token));
});

test('stranger mutations leave the data unchanged', async () => {
  const project = await ownerView();
  expect(project).toMatchObject({ id: projectId, name: projectName, archivedAt: null, viewerIsMember: true, hostWorkspace: { id: owner.workspaceId } });
  expect(project.members).toEqual([{ account: { id: owner.id } }]);
  expect(project.tasks.totalCount).toBe(1);
  expect(project.tasks.nodes).toEqual([{ id: taskId, title: taskTitle, description: '', status: 'TODO', dueDate: null, assignees: [{ id: owner.id }] }]);
});

// _entities

test('_entities through the gateway', async () => {
  const query = `{ _entities(representations: [{ __typename: "Task", id: "${taskId}" }]) { ... on Task { id title } } }`;
  for (const token of [stranger.token, owner.token, undefined]) {
    const response = await gql(graph, query, {}, token);
    expect(errorCodes(response), response.text).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.data).toBeUndefined();
    expect(response.text).not.toContain(taskTitle);
  }
});

/** Builds a request for W's data that each subgraph resolves, with text that only that data contains. */
function protectedEntity(subgraph: SubgraphName): { body: string; secrets: string[] } {
  switch (subgraph) {
    case 'identity':
      return { body: entitiesBody([{ __typename: 'Workspace', id: owner.workspaceId }], '... on Workspace { members { account { id } } }'), secrets: [owner.id] };
    case 'sharing':
      return { body: entitiesBody([{ __typename: 'Project', id: projectId }], '... on Project { name }'), secrets: [projectName] };
    case 'work':
      return { body: entitiesBody([{ __typename: 'Task', id: taskId }], '... on Task { title }'), secrets: [taskTitle] };
  }
}

/** Asserts a 401 from a subgraph that shows none of `secrets`. */
function expectSubgraphRejected(response: RawResponse, secrets: string[]) {
  expectRejected401(response);
  for (const secret of secrets) expect(response.text).not.toContain(secret);
}

for (const subgraph of subgraphNames) {
  test(`${subgraph} subgraph without signature`, async () => {
    const { body, secrets } = protectedEntity(subgraph);
    expectSubgraphRejected(await postToSubgraph(graph, subgraph, body), secrets);
  });

  test(`${subgraph} subgraph with garbage signature`, async () => {
    const { body, secrets } = protectedEntity(subgraph);
    for (const signature of ['garbage', 'a.b.c', '']) {
      expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, signature), secrets);
    }
  });

  test(`${subgraph} subgraph with wrong audience`, async () => {
    const { body, secrets } = protectedEntity(subgraph);
    for (const other of subgraphNames.filter((name) => name !== subgraph)) {
      // Signed with this subgraph's own secret, but naming another subgraph.
      expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, await signFor(graph, subgraph, body, viewerOf(owner), { audience: other })), secrets);
      // A genuine signature for another subgraph, replayed here.
      expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, await signFor(graph, subgraph, body, viewerOf(owner), { keyOf: other, audience: other })), secrets);
      // Another subgraph's secret, naming this subgraph.
      expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, await signFor(graph, subgraph, body, viewerOf(owner), { keyOf: other })), secrets);
    }
  });

  test(`${subgraph} subgraph with body hash mismatch`, async () => {
    const { body, secrets } = protectedEntity(subgraph);
    const harmless = JSON.stringify({ query: '{ __typename }' });
    const signature = await signFor(graph, subgraph, harmless, viewerOf(owner));
    expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, signature), secrets);
    // The same signature over the body it was made for is accepted.
    expect(dataOf(await postToSubgraph(graph, subgraph, harmless, signature))).toEqual({ __typename: 'Query' });
  });

  test(`${subgraph} subgraph with stale signature`, async () => {
    const { body, secrets } = protectedEntity(subgraph);
    const signature = await signFor(graph, subgraph, body, viewerOf(owner));
    const claims = JSON.parse(Buffer.from(signature.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const key = secretKey(graph.subgraphs[subgraph].secret, 'TEST_SUBGRAPH_SECRET');
    // Issued two minutes ago and still unexpired: too old for the subgraph's age limit.
    const stale = await new SignJWT({ ...claims, iat: now - 120, exp: now + 120 }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, stale), secrets);
    const expired = await new SignJWT({ ...claims, iat: now - 40, exp: now - 10 }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, expired), secrets);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${signature.split('.')[1]}.`;
    expectSubgraphRejected(await postToSubgraph(graph, subgraph, body, unsigned), secrets);
    // Built the same way but fresh, the signature is accepted: only its age was wrong above.
    const fresh = await new SignJWT({ ...claims, iat: now, exp: now + 20 }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(dataOf(await postToSubgraph(graph, subgraph, body, fresh))._entities).toHaveLength(1);
  });
}

/**
 * Asserts that an `_entities` response contains no data of W: the entity is null, or `field`
 * is null with a FORBIDDEN error, and none of `secrets` appears in the body.
 */
function expectWithheld(response: RawResponse, field: string, secrets: string[]) {
  expect(response.status, response.text).toBe(200);
  for (const code of errorCodes(response)) expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(code);
  const entity = response.data?._entities?.[0] ?? null;
  if (entity !== null) {
    expect(entity[field] ?? null).toBeNull();
    expect(response.errors?.find((error) => error.path?.join('.') === `_entities.0.${field}`)?.extensions?.code).toMatch(/^(FORBIDDEN|UNAUTHENTICATED)$/);
  }
  for (const secret of secrets) expect(response.text).not.toContain(secret);
}

interface EntityCase {
  name: string;
  subgraph: SubgraphName;
  representation: () => Record<string, unknown>;
  selection: string;
  field: string;
  secrets: () => string[];
  /** What the owner reads through the same request. */
  ownerSees: () => unknown;
}

const entityCases: EntityCase[] = [
  {
    name: 'Task entity',
    subgraph: 'work',
    representation: () => ({ __typename: 'Task', id: taskId }),
    selection: '... on Task { title description status assignees { id } }',
    field: 'title',
    secrets: () => [taskTitle],
    ownerSees: () => ({ title: taskTitle, description: '', status: 'TODO', assignees: [{ id: owner.id }] }),
  },
  {
    name: 'Project entity in sharing',
    subgraph: 'sharing',
    representation: () => ({ __typename: 'Project', id: projectId }),
    selection: '... on Project { name members { account { id } } }',
    field: 'name',
    secrets: () => [projectName],
    ownerSees: () => ({ name: projectName, members: [{ account: { id: owner.id } }] }),
  },
  {
    name: 'Project tasks in work',
    subgraph: 'work',
    representation: () => ({ __typename: 'Project', id: projectId }),
    selection: '... on Project { tasks(first: 10) { totalCount nodes { id title } } }',
    field: 'tasks',
    secrets: () => [taskTitle, taskId],
    ownerSees: () => ({ tasks: { totalCount: 1, nodes: [{ id: taskId, title: taskTitle }] } }),
  },
  {
    name: 'Workspace projects in sharing',
    subgraph: 'sharing',
    representation: () => ({ __typename: 'Workspace', id: owner.workspaceId }),
    selection: '... on Workspace { projects(includeArchived: true) { id name } }',
    field: 'projects',
    secrets: () => [projectName, projectId],
    ownerSees: () => ({ projects: [{ id: projectId, name: projectName }] }),
  },
  {
    name: 'Workspace members in identity',
    subgraph: 'identity',
    representation: () => ({ __typename: 'Workspace', id: owner.workspaceId }),
    selection: '... on Workspace { members { role account { id email } } }',
    field: 'members',
    secrets: () => [owner.id, owner.email],
    ownerSees: () => ({ members: expect.arrayContaining([{ role: 'ADMIN', account: { id: owner.id, email: owner.email } }]) }),
  },
];

for (const entity of entityCases) {
  test(`${entity.name} as a stranger`, async () => {
    const body = entitiesBody([entity.representation()], entity.selection);
    expectWithheld(await postSignedToSubgraph(graph, entity.subgraph, body, viewerOf(stranger)), entity.field, entity.secrets());
    // A signed request without a viewer gets nothing either.
    expectWithheld(await postSignedToSubgraph(graph, entity.subgraph, body, null), entity.field, entity.secrets());
    // A viewer whose current workspace is W, as if the stranger had forged a session in it.
    const forged: Viewer = { ...viewerOf(stranger), workspaceId: owner.workspaceId };
    expectWithheld(await postSignedToSubgraph(graph, entity.subgraph, body, forged), entity.field, entity.secrets());
  });

  test(`${entity.name} as the owner`, async () => {
    const body = entitiesBody([entity.representation()], entity.selection);
    expect(dataOf(await postSignedToSubgraph(graph, entity.subgraph, body, viewerOf(owner)))._entities).toEqual([entity.ownerSees()]);
  });
}

// Error masking and malformed requests

test('internal errors are masked', async () => {
  // PostgreSQL rejects NUL characters in text, so this write fails inside the database driver.
  // Once the title check rejects them as a user error there is nothing to mask, and this still passes.
  const response = await gql(graph, `mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } userErrors { code } } }`, { input: { projectId, title: 'Nul\u0000title' } }, owner.token);
  for (const error of response.errors ?? []) {
    if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') expect(error.message).toBe('Internal server error.');
    expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
  }
  expect(response.text).not.toContain('0x00');
  expect(response.text).not.toContain('UTF8');
  expect((await ownerView()).tasks.totalCount).toBe(1);
});

test('unknown entity type is masked', async () => {
  const body = entitiesBody([{ __typename: 'NoSuchType', id: taskId }], '__typename');
  for (const subgraph of subgraphNames) {
    const response = await postSignedToSubgraph(graph, subgraph, body, viewerOf(owner));
    expect(response.errors, response.text).toBeDefined();
    for (const error of response.errors!) expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
  }
});

test('invalid JSON body', async () => {
  for (const body of ['{"query": ', 'not json', '']) {
    const response = await send(graph.url, { headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, body });
    expect(response.status, response.text).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
    expect(response.data).toBeUndefined();
  }
});

test('invalid JSON body to a subgraph', async () => {
  const body = '{"query": ';
  const response = await postToSubgraph(graph, 'work', body, await signFor(graph, 'work', body, viewerOf(owner)));
  expect(response.status, response.text).toBe(400);
  expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
});

test('batched request', async () => {
  const body = JSON.stringify([{ query: '{ viewer { account { id } } }' }, { query: '{ viewer { account { id } } }' }]);
  const response = await send(graph.url, { headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, body });
  expect(response.status, response.text).toBe(400);
  expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
  expect(response.text).not.toContain(owner.id);
});

test('unsupported content type', async () => {
  const response = await send(graph.url, { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
  expect(response.status, response.text).toBe(415);
  expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
});

test('GET without CSRF preflight header', async () => {
  const url = `${graph.url}?query=${encodeURIComponent('{ viewer { account { id } } }')}`;
  const blocked = await send(url, { method: 'GET', headers: { authorization: `Bearer ${owner.token}` } });
  expect(blocked.status, blocked.text).toBe(400);
  expect(blocked.data).toBeUndefined();
  expect(errorCodes(blocked)).toEqual(['BAD_REQUEST']);
  expect(blocked.text).not.toContain(owner.id);

  const allowed = await send(url, { method: 'GET', headers: { authorization: `Bearer ${owner.token}`, 'apollo-require-preflight': 'true' } });
  expect(dataOf(allowed).viewer.account.id).toBe(owner.id);
});

test('GET mutation', async () => {
  const url = `${graph.url}?query=${encodeURIComponent('mutation { logOut { loggedOut } }')}`;
  const response = await send(url, { method: 'GET', headers: { authorization: `Bearer ${owner.token}`, 'apollo-require-preflight': 'true' } });
  expect(response.status, response.text).toBe(405);
  expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
  // The session is still open.
  expect(dataOf(await gql(graph, `{ viewer { account { id } } }`, {}, owner.token)).viewer.account.id).toBe(owner.id);
});

test('GET to a subgraph', async () => {
  const response = await send(`${graph.subgraphs.work.url}?query=${encodeURIComponent('{ __typename }')}`, {
    method: 'GET',
    headers: { 'apollo-require-preflight': 'true', [GATEWAY_SIGNATURE_HEADER]: await signFor(graph, 'work', '', viewerOf(owner)) },
  });
  expect(response.status, response.text).toBe(405);
  expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
});

test('leak markers are checked', () => {
  // The helper that every request above runs through does catch a leak.
  expect(() => expectNoLeak('{"errors":[{"message":"relation does not exist","extensions":{"stacktrace":[]}}]}')).toThrow();
  expect(() => expectNoLeak('Failed query: select id from tasks')).toThrow();
  expect(() => expectNoLeak('{"data":{"__typename":"Query"}}')).not.toThrow();
});
