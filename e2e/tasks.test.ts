import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  addProjectMember,
  addWorkspaceMember,
  archiveProject,
  assignTask,
  countStatements,
  createProject,
  createTask,
  createTasks,
  dataOf,
  expectUserError,
  joinWorkspace,
  signUp,
  singleErrorOf,
  type TestAccount,
} from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';

let graph: TestGraph;
/** Admin of the workspace and first member of `projectId`. */
let owner: TestAccount;
/** A MEMBER of the workspace and of `projectId`. */
let teammate: TestAccount;
/** A MEMBER of the workspace who is not a member of `projectId`. */
let bystander: TestAccount;
let projectId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  owner = await signUp(graph, 'Olive Owner');
  teammate = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Tom Teammate', 'MEMBER');
  bystander = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Bea Bystander', 'MEMBER');
  projectId = await createProject(graph, owner.token, 'Website');
  await addProjectMember(graph, owner.token, projectId, teammate.id);
});
afterAll(() => graph?.close());

const taskFields = `id title description status dueDate createdAt updatedAt project { id } createdBy { id } assignees { id }`;

const createTaskMutation = `mutation($input: CreateTaskInput!) { createTask(input: $input) { task { ${taskFields} } userErrors { code field message } } }`;
const updateTaskMutation = `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { ${taskFields} } userErrors { code field message } } }`;
const assignMutation = `mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id assignees { id } } userErrors { code field message } } }`;
const unassignMutation = `mutation($input: TaskAssigneeInput!) { unassignTask(input: $input) { task { id assignees { id } } userErrors { code field message } } }`;

async function readTask(id: string, token = owner.token) {
  return dataOf(await graph.request(`query($id: ID!) { task(id: $id) { ${taskFields} } }`, { id }, token)).task;
}

async function taskCount(id: string) {
  return dataOf(await graph.request(`query($id: ID!) { project(id: $id) { tasks { totalCount } } }`, { id }, owner.token)).project.tasks.totalCount as number;
}

async function assigneeIds(taskId: string) {
  return (await readTask(taskId)).assignees.map((assignee: { id: string }) => assignee.id) as string[];
}

test('createTask: omitted fields take their defaults', async () => {
  const data = dataOf(await graph.request(createTaskMutation, { input: { projectId, title: 'Pick a domain' } }, owner.token));
  expect(data.createTask.userErrors).toEqual([]);
  const task = data.createTask.task;
  expect(task).toMatchObject({
    title: 'Pick a domain',
    description: '',
    status: 'TODO',
    dueDate: null,
    project: { id: projectId },
    createdBy: { id: owner.id },
    assignees: [],
  });
  expect(Number.isNaN(Date.parse(task.createdAt))).toBe(false);
  expect(task.updatedAt).toBe(task.createdAt);
  expect(await readTask(task.id)).toEqual(task);
});

test('createTask: every field is stored as given', async () => {
  const input = { projectId, title: 'Write copy', description: 'Home page and pricing page.', status: 'IN_PROGRESS', dueDate: '2026-12-31' };
  const data = dataOf(await graph.request(createTaskMutation, { input }, teammate.token));
  expect(data.createTask.userErrors).toEqual([]);
  const expected = { title: 'Write copy', description: 'Home page and pricing page.', status: 'IN_PROGRESS', dueDate: '2026-12-31', createdBy: { id: teammate.id } };
  expect(data.createTask.task).toMatchObject(expected);
  expect(await readTask(data.createTask.task.id)).toMatchObject(expected);
});

test('createTask: a 500-character title is accepted', async () => {
  const title = 't'.repeat(500);
  const id = await createTask(graph, owner.token, { projectId, title });
  expect((await readTask(id)).title).toBe(title);
});

test('createTask: blank or 501-character title gives INVALID_INPUT', async () => {
  const before = await taskCount(projectId);
  for (const title of ['', '  \t ', 't'.repeat(501)]) {
    const data = dataOf(await graph.request(createTaskMutation, { input: { projectId, title } }, owner.token));
    expectUserError(data.createTask, 'task', 'INVALID_INPUT', ['input', 'title']);
  }
  expect(await taskCount(projectId)).toBe(before);
});

test('createTask: 50001-character description gives INVALID_INPUT', async () => {
  const before = await taskCount(projectId);
  const data = dataOf(await graph.request(createTaskMutation, { input: { projectId, title: 'Wordy', description: 'd'.repeat(50_001) } }, owner.token));
  expectUserError(data.createTask, 'task', 'INVALID_INPUT', ['input', 'description']);
  expect(await taskCount(projectId)).toBe(before);
});

test('createTask: NUL character gives INVALID_INPUT', async () => {
  const before = await taskCount(projectId);
  for (const [field, input] of [
    ['title', { projectId, title: 'Nul\u0000title' }],
    ['description', { projectId, title: 'Nul description', description: 'line one\nline\u0000two' }],
  ] as const) {
    const data = dataOf(await graph.request(createTaskMutation, { input }, owner.token));
    expectUserError(data.createTask, 'task', 'INVALID_INPUT', ['input', field]);
  }
  expect(await taskCount(projectId)).toBe(before);
});

test('createTask: description keeps tabs and line breaks', async () => {
  const description = 'Steps:\n\t1. Draft\r\n\t2. Review';
  const data = dataOf(await graph.request(`mutation($input: CreateTaskInput!) { createTask(input: $input) { task { description } userErrors { code } } }`, { input: { projectId, title: 'Multi-line', description } }, owner.token));
  expect(data.createTask.userErrors).toEqual([]);
  expect(data.createTask.task.description).toBe(description);
});

test('createTask: impossible Date 2026-02-30 gives BAD_USER_INPUT', async () => {
  const before = await taskCount(projectId);
  const response = await graph.request(createTaskMutation, { input: { projectId, title: 'Leap', dueDate: '2026-02-30' } }, owner.token);
  singleErrorOf(response, 'BAD_USER_INPUT');
  expect(response.data?.createTask ?? null).toBeNull();
  expect(await taskCount(projectId)).toBe(before);
});

test('updateTask: changes only named fields', async () => {
  const created = dataOf(
    await graph.request(createTaskMutation, { input: { projectId, title: 'Ship it', description: 'Before the launch.', status: 'TODO', dueDate: '2026-06-01' } }, owner.token),
  ).createTask.task;

  const statusChange = dataOf(await graph.request(updateTaskMutation, { input: { taskId: created.id, status: 'DONE' } }, owner.token)).updateTask;
  expect(statusChange.userErrors).toEqual([]);
  const afterStatus = await readTask(created.id);
  expect(statusChange.task).toEqual(afterStatus);
  expect(afterStatus).toEqual({ ...created, status: 'DONE', updatedAt: afterStatus.updatedAt });
  expect(Date.parse(afterStatus.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

  const cleared = dataOf(await graph.request(updateTaskMutation, { input: { taskId: created.id, dueDate: null } }, owner.token)).updateTask;
  expect(cleared.userErrors).toEqual([]);
  const afterClear = await readTask(created.id);
  expect(afterClear).toEqual({ ...afterStatus, dueDate: null, updatedAt: afterClear.updatedAt });
  expect(Date.parse(afterClear.updatedAt)).toBeGreaterThan(Date.parse(afterStatus.updatedAt));

  const retitled = dataOf(await graph.request(updateTaskMutation, { input: { taskId: created.id, title: 'Ship it now', description: 'Today.' } }, owner.token)).updateTask;
  expect(retitled.userErrors).toEqual([]);
  expect(await readTask(created.id)).toMatchObject({ title: 'Ship it now', description: 'Today.', status: 'DONE', dueDate: null });
});

test('updateTask: null or blank title gives INVALID_INPUT', async () => {
  const id = await createTask(graph, owner.token, { projectId, title: 'Keep me', description: 'Unchanged.' });
  const before = await readTask(id);
  for (const title of [null, ' ', 't'.repeat(501)]) {
    const data = dataOf(await graph.request(updateTaskMutation, { input: { taskId: id, title, description: 'Should not be written.' } }, owner.token));
    expectUserError(data.updateTask, 'task', 'INVALID_INPUT', ['input', 'title']);
  }
  expect(await readTask(id)).toEqual(before);
});

test('assignTask: project member is assigned once', async () => {
  const id = await createTask(graph, owner.token, { projectId, title: 'Review' });
  const first = dataOf(await graph.request(assignMutation, { input: { taskId: id, accountId: teammate.id } }, owner.token)).assignTask;
  expect(first).toEqual({ task: { id, assignees: [{ id: teammate.id }] }, userErrors: [] });

  const second = dataOf(await graph.request(assignMutation, { input: { taskId: id, accountId: teammate.id } }, owner.token)).assignTask;
  expect(second).toEqual({ task: { id, assignees: [{ id: teammate.id }] }, userErrors: [] });

  await assignTask(graph, owner.token, id, owner.id);
  // Earliest assignment first.
  expect(await assigneeIds(id)).toEqual([teammate.id, owner.id]);
});

test('assignTask: non-member gives NOT_A_PROJECT_MEMBER', async () => {
  const id = await createTask(graph, owner.token, { projectId, title: 'Not for outsiders' });
  await assignTask(graph, owner.token, id, teammate.id);
  const data = dataOf(await graph.request(assignMutation, { input: { taskId: id, accountId: bystander.id } }, owner.token));
  expectUserError(data.assignTask, 'task', 'NOT_A_PROJECT_MEMBER', ['input', 'accountId']);
  expect(await assigneeIds(id)).toEqual([teammate.id]);
});

test('unassignTask: removes the assignee', async () => {
  const id = await createTask(graph, owner.token, { projectId, title: 'Hand over' });
  await assignTask(graph, owner.token, id, teammate.id);
  await assignTask(graph, owner.token, id, owner.id);

  const removed = dataOf(await graph.request(unassignMutation, { input: { taskId: id, accountId: teammate.id } }, owner.token)).unassignTask;
  expect(removed).toEqual({ task: { id, assignees: [{ id: owner.id }] }, userErrors: [] });
  const again = dataOf(await graph.request(unassignMutation, { input: { taskId: id, accountId: teammate.id } }, owner.token)).unassignTask;
  expect(again).toEqual({ task: { id, assignees: [{ id: owner.id }] }, userErrors: [] });
  expect(await assigneeIds(id)).toEqual([owner.id]);
});

test('archived project: task mutations give PROJECT_ARCHIVED', async () => {
  const archivedId = await createProject(graph, owner.token, 'Archived site');
  await addProjectMember(graph, owner.token, archivedId, teammate.id);
  const taskId = await createTask(graph, owner.token, { projectId: archivedId, title: 'Frozen' });
  await assignTask(graph, owner.token, taskId, owner.id);
  await archiveProject(graph, owner.token, archivedId);
  const before = await readTask(taskId);

  const created = dataOf(await graph.request(createTaskMutation, { input: { projectId: archivedId, title: 'Too late' } }, owner.token)).createTask;
  expectUserError(created, 'task', 'PROJECT_ARCHIVED', ['input', 'projectId']);
  const updated = dataOf(await graph.request(updateTaskMutation, { input: { taskId, title: 'Thawed' } }, owner.token)).updateTask;
  expectUserError(updated, 'task', 'PROJECT_ARCHIVED', ['input', 'taskId']);
  const assigned = dataOf(await graph.request(assignMutation, { input: { taskId, accountId: teammate.id } }, owner.token)).assignTask;
  expectUserError(assigned, 'task', 'PROJECT_ARCHIVED', ['input', 'taskId']);
  const unassigned = dataOf(await graph.request(unassignMutation, { input: { taskId, accountId: owner.id } }, owner.token)).unassignTask;
  expectUserError(unassigned, 'task', 'PROJECT_ARCHIVED', ['input', 'taskId']);

  expect(await readTask(taskId)).toEqual(before);
  expect(await taskCount(archivedId)).toBe(1);
});

test('task: reads by ID with project and assignees', async () => {
  const id = await createTask(graph, owner.token, { projectId, title: 'Look me up', dueDate: '2027-01-15' });
  await assignTask(graph, owner.token, id, owner.id);
  await assignTask(graph, owner.token, id, teammate.id);

  const data = dataOf(
    await graph.request(
      `query($id: ID!) { task(id: $id) { id title dueDate project { id name } createdBy { id name } assignees { id name email } } }`,
      { id },
      teammate.token,
    ),
  );
  expect(data.task).toEqual({
    id,
    title: 'Look me up',
    dueDate: '2027-01-15',
    project: { id: projectId, name: 'Website' },
    createdBy: { id: owner.id, name: owner.name },
    assignees: [
      { id: owner.id, name: owner.name, email: owner.email },
      { id: teammate.id, name: teammate.name, email: teammate.email },
    ],
  });

  // Null for a task the viewer may not see and for an ID that names no task.
  expect(dataOf(await graph.request(`query($id: ID!) { task(id: $id) { id } }`, { id }, bystander.token)).task).toBeNull();
  expect(dataOf(await graph.request(`query($id: ID!) { task(id: $id) { id } }`, { id: '00000000-0000-4000-8000-000000000000' }, owner.token)).task).toBeNull();
});

const pageQuery = `query($id: ID!, $first: Int, $after: String) {
  project(id: $id) {
    tasks(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id title } }
      nodes { id }
    }
  }
}`;

test('Project.tasks: pages of 3 chain through 7 tasks', async () => {
  const pagedProject = await createProject(graph, owner.token, 'Paged');
  const ids = await createTasks(graph, owner.token, pagedProject, 7, 'Step');

  const seen: string[] = [];
  const flags: { hasNextPage: boolean; hasPreviousPage: boolean }[] = [];
  let after: string | null = null;
  for (let page = 0; page < 3; page += 1) {
    const connection: any = dataOf(await graph.request(pageQuery, { id: pagedProject, first: 3, after }, owner.token)).project.tasks;
    expect(connection.totalCount).toBe(7);
    expect(connection.nodes).toEqual(connection.edges.map((edge: { node: { id: string } }) => ({ id: edge.node.id })));
    expect(connection.pageInfo.startCursor).toBe(connection.edges[0].cursor);
    expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1].cursor);
    seen.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
    flags.push({ hasNextPage: connection.pageInfo.hasNextPage, hasPreviousPage: connection.pageInfo.hasPreviousPage });
    after = connection.pageInfo.endCursor;
  }

  expect(seen).toEqual(ids);
  expect(flags).toEqual([
    { hasNextPage: true, hasPreviousPage: false },
    { hasNextPage: true, hasPreviousPage: true },
    { hasNextPage: false, hasPreviousPage: true },
  ]);

  // After the last cursor the page is empty.
  const tail = dataOf(await graph.request(pageQuery, { id: pagedProject, first: 3, after }, owner.token)).project.tasks;
  expect(tail).toMatchObject({ totalCount: 7, edges: [], nodes: [], pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } });

  // first: 7 returns the whole list in one page, and first: 100 is the largest page allowed.
  for (const first of [7, 100]) {
    const whole = dataOf(await graph.request(pageQuery, { id: pagedProject, first }, owner.token)).project.tasks;
    expect(whole.nodes.map((node: { id: string }) => node.id)).toEqual(ids);
    expect(whole.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  }
});

test('Project.tasks: bad first or cursor gives BAD_USER_INPUT', async () => {
  for (const variables of [{ first: 0 }, { first: 101 }, { first: -1 }, { first: 3, after: 'garbage' }]) {
    const response = await graph.request(pageQuery, { id: projectId, ...variables }, owner.token);
    const error = singleErrorOf(response, 'BAD_USER_INPUT');
    expect(error.path, JSON.stringify(variables)).toEqual(['project', 'tasks']);
  }
});

test('Project.tasks: cursor of another project gives BAD_USER_INPUT', async () => {
  const first = await createProject(graph, owner.token, 'Cursor source');
  const second = await createProject(graph, owner.token, 'Cursor target');
  await createTasks(graph, owner.token, second, 2, 'Early');
  await createTasks(graph, owner.token, first, 2, 'Source');
  await createTasks(graph, owner.token, second, 2, 'Late');
  const foreignCursor = dataOf(await graph.request(pageQuery, { id: first, first: 1 }, owner.token)).project.tasks.pageInfo.endCursor;

  // The schema documents BAD_USER_INPUT for an `after` that is not a cursor from this connection.
  const response = await graph.request(pageQuery, { id: second, first: 10, after: foreignCursor }, owner.token);
  const error = singleErrorOf(response, 'BAD_USER_INPUT');
  expect(error.path).toEqual(['project', 'tasks']);
});

test('Project.tasks: default page holds 50 tasks', async () => {
  const bigProject = await createProject(graph, owner.token, 'Backlog');
  const ids = await createTasks(graph, owner.token, bigProject, 53, 'Item');
  const connection = dataOf(await graph.request(pageQuery, { id: bigProject }, owner.token)).project.tasks;
  expect(connection.totalCount).toBe(53);
  expect(connection.nodes.map((node: { id: string }) => node.id)).toEqual(ids.slice(0, 50));
  expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

  const rest = dataOf(await graph.request(pageQuery, { id: bigProject, after: connection.pageInfo.endCursor }, owner.token)).project.tasks;
  expect(rest.nodes.map((node: { id: string }) => node.id)).toEqual(ids.slice(50));
  expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
});

/**
 * Creates a project with `tasksPerProject` tasks, each assigned to every account of `members` in that order.
 * `token` must belong to `members[0]`, who creates the project and adds the others.
 */
async function createAssignedProject(token: string, name: string, members: TestAccount[], tasksPerProject: number) {
  const id = await createProject(graph, token, name);
  for (const member of members.slice(1)) await addProjectMember(graph, token, id, member.id);
  const taskIds = await createTasks(graph, token, id, tasksPerProject, name);
  for (const taskId of taskIds) {
    for (const member of members) await assignTask(graph, token, taskId, member.id);
  }
  return id;
}

test('batching: statements do not grow with tasks', async () => {
  const members = [owner, teammate];
  const small = await createAssignedProject(owner.token, 'Five', members, 5);
  const large = await createAssignedProject(owner.token, 'Fifty', members, 50);
  const query = `query($id: ID!) {
    project(id: $id) { tasks(first: 100) { nodes { title assignees { name email } createdBy { name } project { name } } } }
  }`;

  const counts: Record<string, number> = {};
  for (const [label, id, size] of [['5 tasks', small, 5], ['50 tasks', large, 50]] as const) {
    const { response, statements } = await countStatements(graph, query, { id }, owner.token);
    const nodes = dataOf(response).project.tasks.nodes;
    expect(nodes).toHaveLength(size);
    for (const node of nodes) {
      expect(node.assignees).toEqual(members.map((member) => ({ name: member.name, email: member.email })));
      expect(node.createdBy).toEqual({ name: owner.name });
    }
    counts[label] = statements;
  }
  console.log(`SQL statements for one project's tasks with assignees: ${JSON.stringify(counts)}`);
  expect(counts['50 tasks']).toBe(counts['5 tasks']);
});

test('batching: statements do not grow with projects', async () => {
  const lead = await signUp(graph, 'Lena Lead');
  const helper = await signUp(graph, 'Hugo Helper');
  await addWorkspaceMember(graph, lead.token, lead.ownWorkspaceId, helper, 'MEMBER');
  const members = [lead, helper];
  const query = `{ projects { tasks { nodes { assignees { name } } } } }`;

  const counts: Record<string, number> = {};
  let created = 0;
  for (const projectCount of [2, 6]) {
    for (; created < projectCount; created += 1) await createAssignedProject(lead.token, `Stream ${created + 1}`, members, 3);
    const { response, statements } = await countStatements(graph, query, {}, lead.token);
    const projects = dataOf(response).projects;
    expect(projects).toHaveLength(projectCount);
    for (const project of projects) {
      expect(project.tasks.nodes).toHaveLength(3);
      for (const node of project.tasks.nodes) expect(node.assignees).toEqual(members.map((member) => ({ name: member.name })));
    }
    counts[`${projectCount} projects`] = statements;
  }
  console.log(`SQL statements for the task lists of every project: ${JSON.stringify(counts)}`);
  expect(counts['6 projects']).toBe(counts['2 projects']);
});
