import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addProjectMember, countStatements, createProject, dataOf, expectUserError, joinWorkspace, signUp, singleErrorOf, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import {
  createPrivateTask,
  createPrivateTaskMutation,
  privateTaskFields,
  scheduleTaskMutation,
  setPlan,
  sharePrivateTask,
  sharing,
} from './private-builders.js';
import { addExternalMember } from './time-builders.js';

let graph: TestGraph;
/** Admin of the workspace `owner.ownWorkspaceId`, and owner of the private tasks under test. */
let owner: TestAccount;
/** Another ADMIN of the same workspace, who may see every project but no private task. */
let coAdmin: TestAccount;
/** A MEMBER of the workspace. */
let teammate: TestAccount;
/** Another MEMBER of the workspace. */
let bystander: TestAccount;
/** An external member of the workspace's project, from a workspace of their own. */
let external: TestAccount;
/** Someone of an unrelated workspace. */
let stranger: TestAccount;
let projectId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  owner = await signUp(graph, 'Pia Private');
  coAdmin = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Carl Coadmin', 'ADMIN');
  teammate = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Tina Teammate', 'MEMBER');
  bystander = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Ben Bystander', 'MEMBER');
  external = await signUp(graph, 'Eve External');
  stranger = await signUp(graph, 'Sid Stranger');
  projectId = await createProject(graph, owner.token, 'Shared project');
  await addProjectMember(graph, owner.token, projectId, teammate.id);
  await addExternalMember(graph, projectId, external, owner);
});
afterAll(() => graph?.close());

const privateTaskQuery = `query($id: ID!) { privateTask(id: $id) { ${privateTaskFields} } }`;
const listQuery = `query($first: Int, $after: String) {
  myPrivateTasks(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes { id title viewerIsOwner owner { id name } sharedWith { id name } }
  }
}`;
const updateMutation = `mutation($input: UpdatePrivateTaskInput!) { updatePrivateTask(input: $input) { privateTask { ${privateTaskFields} } userErrors { code field message } } }`;
const deleteMutation = `mutation($input: PrivateTaskIdInput!) { deletePrivateTask(input: $input) { privateTask { id } userErrors { code field message } } }`;

async function readPrivateTask(id: string, account: TestAccount) {
  return dataOf(await graph.request(privateTaskQuery, { id }, account.token)).privateTask;
}

async function listedIds(account: TestAccount): Promise<string[]> {
  const connection = dataOf(await graph.request(listQuery, { first: 100 }, account.token)).myPrivateTasks;
  expect(connection.totalCount).toBe(connection.nodes.length);
  return connection.nodes.map((node: { id: string }) => node.id);
}

/** Checks every path by which `account` could reach the private task: it finds nothing and changes nothing. */
async function expectHiddenFrom(id: string, account: TestAccount) {
  expect(await readPrivateTask(id, account)).toBeNull();
  expect(await listedIds(account)).not.toContain(id);
  const update = dataOf(await graph.request(updateMutation, { input: { privateTaskId: id, title: 'Taken over' } }, account.token));
  expectUserError(update.updatePrivateTask, 'privateTask', 'PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId']);
  const share = await sharing(graph, account.token, 'sharePrivateTask', id, account.id);
  expectUserError(share, 'privateTask', 'PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId']);
  const schedule = dataOf(await graph.request(scheduleTaskMutation, { input: { privateTaskId: id, start: '2030-05-01T08:00:00.000Z', end: '2030-05-01T09:00:00.000Z' } }, account.token));
  expectUserError(schedule.scheduleTask, 'calendarEntry', 'PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId']);
  const remove = dataOf(await graph.request(deleteMutation, { input: { privateTaskId: id } }, account.token));
  expectUserError(remove.deletePrivateTask, 'privateTask', 'PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId']);
}

describe('creating and reading', () => {
  test('creates a private task in the current workspace', async () => {
    const input = { title: '  Plan my week  ', description: 'Line one\n\tline two', status: 'IN_PROGRESS', dueDate: '2030-04-30' };
    const data = dataOf(await graph.request(createPrivateTaskMutation, { input }, owner.token));
    expect(data.createPrivateTask.userErrors).toEqual([]);
    const task = data.createPrivateTask.privateTask;
    expect(task).toMatchObject({
      title: 'Plan my week',
      description: 'Line one\n\tline two',
      status: 'IN_PROGRESS',
      dueDate: '2030-04-30',
      viewerIsOwner: true,
      owner: { id: owner.id },
      workspace: { id: owner.ownWorkspaceId },
      sharedWith: [],
    });
    expect(await readPrivateTask(task.id, owner)).toEqual(task);
    expect(await listedIds(owner)).toContain(task.id);
  });

  test('defaults and unlimited creation on the free plan', async () => {
    await setPlan(graph, stranger.ownWorkspaceId, 'basic_connect');
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) ids.push(await createPrivateTask(graph, stranger.token, { title: `Free ${index}` }));
    const task = await readPrivateTask(ids[0]!, stranger);
    expect(task).toMatchObject({ description: '', status: 'TODO', dueDate: null, workspace: { id: stranger.ownWorkspaceId } });
    expect(new Set(await listedIds(stranger))).toEqual(new Set(ids));
  });

  test('nobody else sees a private task, by any path', async () => {
    const id = await createPrivateTask(graph, owner.token, { title: 'Secret' });
    for (const account of [coAdmin, teammate, bystander, external, stranger]) await expectHiddenFrom(id, account);
    expect(await readPrivateTask(id, owner)).toMatchObject({ title: 'Secret', sharedWith: [] });
  });

  test('anonymous callers are told to sign in', async () => {
    const id = await createPrivateTask(graph, owner.token, { title: 'Anonymous check' });
    singleErrorOf(await graph.request(privateTaskQuery, { id }), 'UNAUTHENTICATED');
    singleErrorOf(await graph.request(listQuery, { first: 5 }), 'UNAUTHENTICATED');
    singleErrorOf(await graph.request(createPrivateTaskMutation, { input: { title: 'x' } }), 'UNAUTHENTICATED');
  });

  test('bad IDs give BAD_USER_INPUT', async () => {
    singleErrorOf(await graph.request(privateTaskQuery, { id: 'not-a-uuid' }, owner.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(deleteMutation, { input: { privateTaskId: 'nope' } }, owner.token), 'BAD_USER_INPUT');
  });
});

describe('changing', () => {
  test('the owner updates and deletes', async () => {
    const id = await createPrivateTask(graph, owner.token, { title: 'Draft', dueDate: '2030-01-01' });
    const updated = dataOf(await graph.request(updateMutation, { input: { privateTaskId: id, status: 'DONE', dueDate: null, description: 'Finished' } }, owner.token));
    expect(updated.updatePrivateTask.userErrors).toEqual([]);
    expect(updated.updatePrivateTask.privateTask).toMatchObject({ title: 'Draft', status: 'DONE', dueDate: null, description: 'Finished' });

    const removed = dataOf(await graph.request(deleteMutation, { input: { privateTaskId: id } }, owner.token));
    expect(removed.deletePrivateTask).toEqual({ privateTask: { id }, userErrors: [] });
    expect(await readPrivateTask(id, owner)).toBeNull();
    const again = dataOf(await graph.request(deleteMutation, { input: { privateTaskId: id } }, owner.token));
    expectUserError(again.deletePrivateTask, 'privateTask', 'PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId']);
  });

  test('invalid fields give INVALID_INPUT and change nothing', async () => {
    const id = await createPrivateTask(graph, owner.token, { title: 'Keep me' });
    const cases = [
      [{ title: '   ' }, 'title'],
      [{ title: 't'.repeat(501) }, 'title'],
      [{ title: 'line\nbreak' }, 'title'],
      [{ title: null }, 'title'],
      [{ status: null }, 'status'],
      [{ description: 'd'.repeat(50_001) }, 'description'],
    ] as const;
    for (const [fields, field] of cases) {
      const data = dataOf(await graph.request(updateMutation, { input: { privateTaskId: id, ...fields } }, owner.token));
      expectUserError(data.updatePrivateTask, 'privateTask', 'INVALID_INPUT', ['input', field]);
    }
    const created = dataOf(await graph.request(createPrivateTaskMutation, { input: { title: '' } }, owner.token));
    expectUserError(created.createPrivateTask, 'privateTask', 'INVALID_INPUT', ['input', 'title']);
    expect(await readPrivateTask(id, owner)).toMatchObject({ title: 'Keep me', status: 'TODO', description: '' });
  });
});

describe('sharing', () => {
  test('sharee reads, cannot change', async () => {
    const id = await createPrivateTask(graph, owner.token, { title: 'Shared plan' });
    await sharePrivateTask(graph, owner.token, id, teammate.id);
    // Sharing again changes nothing.
    await sharePrivateTask(graph, owner.token, id, teammate.id);

    expect(await readPrivateTask(id, teammate)).toMatchObject({ title: 'Shared plan', viewerIsOwner: false, owner: { id: owner.id }, sharedWith: [{ id: teammate.id }] });
    const list = dataOf(await graph.request(listQuery, { first: 100 }, teammate.token)).myPrivateTasks;
    expect(list.nodes).toContainEqual({ id, title: 'Shared plan', viewerIsOwner: false, owner: { id: owner.id, name: owner.name }, sharedWith: [{ id: teammate.id, name: teammate.name }] });

    const update = dataOf(await graph.request(updateMutation, { input: { privateTaskId: id, title: 'Mine now' } }, teammate.token));
    expectUserError(update.updatePrivateTask, 'privateTask', 'NOT_PRIVATE_TASK_OWNER', ['input', 'privateTaskId']);
    const reshare = await sharing(graph, teammate.token, 'sharePrivateTask', id, bystander.id);
    expectUserError(reshare, 'privateTask', 'NOT_PRIVATE_TASK_OWNER', ['input', 'privateTaskId']);
    const remove = dataOf(await graph.request(deleteMutation, { input: { privateTaskId: id } }, teammate.token));
    expectUserError(remove.deletePrivateTask, 'privateTask', 'NOT_PRIVATE_TASK_OWNER', ['input', 'privateTaskId']);

    // Others of the workspace still see nothing.
    for (const account of [coAdmin, bystander, external, stranger]) await expectHiddenFrom(id, account);

    const unshared = await sharing(graph, owner.token, 'unsharePrivateTask', id, teammate.id);
    expect(unshared).toEqual({ privateTask: { id, sharedWith: [] }, userErrors: [] });
    await expectHiddenFrom(id, teammate);
    expect(await readPrivateTask(id, owner)).toMatchObject({ title: 'Shared plan' });
  });

  test('external members of a shared project and strangers cannot be added', async () => {
    const id = await createPrivateTask(graph, owner.token, { title: 'Internal only' });
    for (const account of [external, stranger]) {
      const payload = await sharing(graph, owner.token, 'sharePrivateTask', id, account.id);
      expectUserError(payload, 'privateTask', 'NOT_A_WORKSPACE_MEMBER', ['input', 'accountId']);
      await expectHiddenFrom(id, account);
    }
    const self = await sharing(graph, owner.token, 'sharePrivateTask', id, owner.id);
    expectUserError(self, 'privateTask', 'INVALID_INPUT', ['input', 'accountId']);
  });

  test('sharing needs a paid plan or a trial', async () => {
    const id = await createPrivateTask(graph, owner.token, { title: 'Plan check' });
    try {
      await setPlan(graph, owner.ownWorkspaceId, 'basic_connect');
      const refused = await sharing(graph, owner.token, 'sharePrivateTask', id, teammate.id);
      expectUserError(refused, 'privateTask', 'PRIVATE_SHARING_NOT_IN_PLAN', null);
      await expectHiddenFrom(id, teammate);
      // Creating stays possible on the free plan.
      await createPrivateTask(graph, owner.token, { title: 'Still allowed' });

      for (const plan of ['basic', 'business', 'enterprise', 'trial'] as const) {
        await setPlan(graph, owner.ownWorkspaceId, plan);
        await sharePrivateTask(graph, owner.token, id, teammate.id);
        expect(await readPrivateTask(id, teammate)).toMatchObject({ id });
        expect((await sharing(graph, owner.token, 'unsharePrivateTask', id, teammate.id)).userErrors).toEqual([]);
      }
    } finally {
      await setPlan(graph, owner.ownWorkspaceId, 'trial');
    }
  });

  test('a sharee who leaves the workspace loses access', async () => {
    const leaver = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Lou Leaver', 'MEMBER');
    const id = await createPrivateTask(graph, owner.token, { title: 'For Lou' });
    await sharePrivateTask(graph, owner.token, id, leaver.id);
    expect(await readPrivateTask(id, leaver)).toMatchObject({ id });

    await graph.database.db.execute(sql`delete from identity.workspace_members where workspace_id = ${owner.ownWorkspaceId} and account_id = ${leaver.id}`);
    expect(await readPrivateTask(id, leaver)).toBeNull();
    expect(await listedIds(leaver)).not.toContain(id);
    expect((await readPrivateTask(id, owner)).sharedWith).toEqual([]);
  });
});

describe('myPrivateTasks', () => {
  test('pages newest first, own and shared together, with bound cursors', async () => {
    const lister = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Lena Lister', 'MEMBER');
    const own = [await createPrivateTask(graph, lister.token, { title: 'Own 1' }), await createPrivateTask(graph, lister.token, { title: 'Own 2' })];
    const shared = await createPrivateTask(graph, owner.token, { title: 'From owner' });
    await sharePrivateTask(graph, owner.token, shared, lister.id);
    const third = await createPrivateTask(graph, lister.token, { title: 'Own 3' });

    const first = dataOf(await graph.request(listQuery, { first: 2 }, lister.token)).myPrivateTasks;
    expect(first.totalCount).toBe(4);
    expect(first.nodes.map((node: { id: string }) => node.id)).toEqual([third, shared]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([third, shared]);

    const second = dataOf(await graph.request(listQuery, { first: 2, after: first.pageInfo.endCursor }, lister.token)).myPrivateTasks;
    expect(second.nodes.map((node: { id: string }) => node.id)).toEqual([own[1], own[0]]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    // Another account's cursor, and bad sizes, are rejected.
    singleErrorOf(await graph.request(listQuery, { first: 2, after: first.pageInfo.endCursor }, owner.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(listQuery, { first: 0 }, lister.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(listQuery, { first: 101 }, lister.token), 'BAD_USER_INPUT');
  });

  test('statement count does not grow with the number of tasks', async () => {
    const counted = async (tasks: number) => {
      const account = await joinWorkspace(graph, owner, owner.ownWorkspaceId, `Counter ${tasks}`, 'MEMBER');
      for (let index = 0; index < tasks; index += 1) {
        const id = await createPrivateTask(graph, account.token, { title: `Counted ${index}` });
        await sharePrivateTask(graph, account.token, id, bystander.id);
      }
      const shared = await createPrivateTask(graph, owner.token, { title: `Shared with counter ${tasks}` });
      await sharePrivateTask(graph, owner.token, shared, account.id);
      const query = `query { myPrivateTasks(first: 100) { totalCount edges { cursor } nodes { id title status viewerIsOwner owner { id name } sharedWith { id name } workspace { id } } } }`;
      const { response, statements } = await countStatements(graph, query, {}, account.token);
      expect(dataOf(response).myPrivateTasks.nodes).toHaveLength(tasks + 1);
      return statements;
    };
    const few = await counted(2);
    const many = await counted(12);
    expect(many).toBe(few);
    // Session check, the page, the count, the shares and the accounts' names; no statement per task.
    expect(few).toBeLessThanOrEqual(8);
    console.log(`myPrivateTasks statements: ${few} for 3 tasks, ${many} for 13 tasks`);
  });
});
