import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addProjectMember, archiveProject, assignTask, createProject, createTask, dataOf, joinWorkspace, singleErrorOf, signUp, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { roles } from './sharing-builders.js';
import { addExternalMember, giveProjectRole } from './time-builders.js';

const explainTask = `query($taskId: ID!, $accountId: ID!) {
  explainTaskAccess(taskId: $taskId, accountId: $accountId) {
    allowed reasons { code message } member { projectId accountId isMember isExternal roleId roleName }
  }
}`;

const explainProject = `query($projectId: ID!, $accountId: ID!) {
  explainProjectAccess(projectId: $projectId, accountId: $accountId) {
    allowed reasons { code message } member { isMember isExternal roleId roleName }
  }
}`;

let graph: TestGraph;
let host: TestAccount;
let projectId: string;
let assignedTaskId: string;
let otherTaskId: string;
/** Accounts by the situation they stand for. */
const people: Record<string, TestAccount> = {};

beforeAll(async () => {
  graph = await startTestGraph();
  host = await signUp(graph, 'Hedda Host');
  projectId = await createProject(graph, host.token, 'Explained project');
  assignedTaskId = await createTask(graph, host.token, { projectId, title: 'Assigned task' });
  otherTaskId = await createTask(graph, host.token, { projectId, title: 'Other task' });

  people.editor = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Ed Editor', 'MEMBER');
  await addProjectMember(graph, host.token, projectId, people.editor.id);

  people.limited = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Lina Limited', 'MEMBER');
  await addProjectMember(graph, host.token, projectId, people.limited.id);
  await giveProjectRole(graph, projectId, people.limited.id, { canManageMembers: false, seesAllTasks: false, canEditTasks: false, canTrackTime: true });
  await assignTask(graph, host.token, assignedTaskId, people.limited.id);

  people.externalAssignee = await signUp(graph, 'Xena External');
  await addExternalMember(graph, projectId, people.externalAssignee, host, roles.externalAssignee);
  await assignTask(graph, host.token, assignedTaskId, people.externalAssignee.id);

  people.externalCollaborator = await signUp(graph, 'Carl Collaborator');
  await addExternalMember(graph, projectId, people.externalCollaborator, host, roles.externalCollaborator);

  people.outsider = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Olga Outsider', 'MEMBER');
  people.stranger = await signUp(graph, 'Sam Stranger');
  people.admin = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Ada Admin', 'ADMIN');
});
afterAll(() => graph?.close());

async function explainTaskFor(taskId: string, account: TestAccount, asker = host) {
  return dataOf(await graph.request(explainTask, { taskId, accountId: account.id }, asker.token)).explainTaskAccess;
}

async function ownTask(taskId: string, account: TestAccount) {
  return dataOf(await graph.request(`query($id: ID!) { task(id: $id) { id } }`, { id: taskId }, account.token)).task;
}

async function ownProject(account: TestAccount) {
  return dataOf(await graph.request(`query($id: ID!) { project(id: $id) { id } }`, { id: projectId }, account.token)).project;
}

async function expectExplanationsMatchTheGraph() {
  for (const [situation, account] of Object.entries(people)) {
    for (const taskId of [assignedTaskId, otherTaskId]) {
      const explanation = await explainTaskFor(taskId, account);
      const seen = (await ownTask(taskId, account)) !== null;
      expect(explanation.allowed, `${situation} on ${taskId === assignedTaskId ? 'assigned' : 'other'} task`).toBe(seen);
    }
    const project = dataOf(await graph.request(explainProject, { projectId, accountId: account.id }, host.token)).explainProjectAccess;
    expect(project.allowed, `${situation} on the project`).toBe((await ownProject(account)) !== null);
  }
}

describe('explainTaskAccess', () => {
  test('agrees with what each member\'s own task query returns', async () => {
    await expectExplanationsMatchTheGraph();
  });

  test('still agrees once the project is archived', async () => {
    const archivedProject = projectId;
    try {
      await archiveProject(graph, host.token, archivedProject);
      await expectExplanationsMatchTheGraph();
      const explanation = await explainTaskFor(otherTaskId, people.editor!);
      expect(explanation.reasons.map((reason: { code: string }) => reason.code)).toContain('PROJECT_ARCHIVED');
    } finally {
      dataOf(await graph.request(`mutation($input: ProjectIdInput!) { unarchiveProject(input: $input) { userErrors { code } } }`, { input: { projectId: archivedProject } }, host.token));
    }
  });

  test('names the reasons, the role and whether the member is external', async () => {
    const limitedOther = await explainTaskFor(otherTaskId, people.limited!);
    expect(limitedOther.allowed).toBe(false);
    expect(limitedOther.reasons.map((reason: { code: string }) => reason.code)).toEqual(['PROJECT_MEMBER', 'ROLE_LIMITED_TO_ASSIGNED_TASKS', 'NOT_ASSIGNED_TO_TASK']);
    expect(limitedOther.member).toMatchObject({ projectId, accountId: people.limited!.id, isMember: true, isExternal: false, roleName: 'Test role' });

    const externalAssigned = await explainTaskFor(assignedTaskId, people.externalAssignee!);
    expect(externalAssigned.allowed).toBe(true);
    expect(externalAssigned.reasons.map((reason: { code: string }) => reason.code)).toEqual(['PROJECT_MEMBER', 'ROLE_LIMITED_TO_ASSIGNED_TASKS', 'ASSIGNED_TO_TASK']);
    expect(externalAssigned.member).toMatchObject({ isMember: true, isExternal: true, roleId: roles.externalAssignee, roleName: 'External assignee' });

    const editor = await explainTaskFor(otherTaskId, people.editor!);
    expect(editor.reasons.map((reason: { code: string }) => reason.code)).toEqual(['PROJECT_MEMBER', 'ROLE_SEES_ALL_TASKS']);
    expect(editor.member).toMatchObject({ roleId: roles.editor, roleName: 'Editor' });

    const admin = await explainTaskFor(otherTaskId, people.admin!);
    expect(admin).toMatchObject({ allowed: true, reasons: [{ code: 'HOST_WORKSPACE_ADMIN' }], member: { isMember: false, roleId: null, roleName: null } });

    const outsider = await explainTaskFor(otherTaskId, people.outsider!);
    expect(outsider).toMatchObject({ allowed: false, reasons: [{ code: 'NOT_A_PROJECT_MEMBER' }], member: { isMember: false, isExternal: false } });
    for (const reason of [...limitedOther.reasons, ...outsider.reasons]) expect(reason.message).toEqual(expect.any(String));
  });

  test('only admins of the host workspace may ask', async () => {
    for (const asker of [people.editor!, people.externalAssignee!, people.stranger!]) {
      const response = await graph.request(explainTask, { taskId: otherTaskId, accountId: people.limited!.id }, asker.token);
      singleErrorOf(response, 'FORBIDDEN');
      expect(response.data?.explainTaskAccess ?? null).toBeNull();
    }
    singleErrorOf(await graph.request(explainTask, { taskId: otherTaskId, accountId: people.limited!.id }), 'UNAUTHENTICATED');
    // Another workspace's admin is no admin of this one.
    singleErrorOf(await graph.request(explainTask, { taskId: otherTaskId, accountId: people.limited!.id }, people.stranger!.token), 'FORBIDDEN');
    // A workspace admin who is no project member may ask.
    expect((await explainTaskFor(otherTaskId, people.limited!, people.admin!)).allowed).toBe(false);
  });

  test('an unknown task is FORBIDDEN and a malformed ID is BAD_USER_INPUT', async () => {
    singleErrorOf(await graph.request(explainTask, { taskId: '00000000-0000-4000-8000-00000000dead', accountId: people.limited!.id }, host.token), 'FORBIDDEN');
    singleErrorOf(await graph.request(explainTask, { taskId: 'nope', accountId: people.limited!.id }, host.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(explainTask, { taskId: otherTaskId, accountId: 'nope' }, host.token), 'BAD_USER_INPUT');
  });
});

describe('explainProjectAccess', () => {
  test('explains members and non-members', async () => {
    const external = dataOf(await graph.request(explainProject, { projectId, accountId: people.externalCollaborator!.id }, host.token)).explainProjectAccess;
    expect(external).toMatchObject({ allowed: true, reasons: [{ code: 'PROJECT_MEMBER' }], member: { isMember: true, isExternal: true, roleId: roles.externalCollaborator } });
    const stranger = dataOf(await graph.request(explainProject, { projectId, accountId: people.stranger!.id }, host.token)).explainProjectAccess;
    expect(stranger).toMatchObject({ allowed: false, reasons: [{ code: 'NOT_A_PROJECT_MEMBER' }], member: { isMember: false, roleName: null } });
  });

  test('only admins of the host workspace may ask, and unknown projects are FORBIDDEN', async () => {
    for (const asker of [people.editor!, people.externalCollaborator!, people.stranger!]) {
      singleErrorOf(await graph.request(explainProject, { projectId, accountId: people.limited!.id }, asker.token), 'FORBIDDEN');
    }
    singleErrorOf(await graph.request(explainProject, { projectId: '00000000-0000-4000-8000-00000000beef', accountId: people.limited!.id }, host.token), 'FORBIDDEN');
  });

  test('the member entity cannot be fetched around the guarded field', async () => {
    const response = await graph.request(
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ExplainedProjectMember { roleName } } }`,
      { representations: [{ __typename: 'ExplainedProjectMember', projectId, accountId: people.limited!.id }] },
      people.editor!.token,
    );
    expect(response.errors?.length ?? 0).toBeGreaterThan(0);
    expect(JSON.stringify(response.data ?? null)).not.toContain('Test role');
  });
});
