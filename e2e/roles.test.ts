import { afterAll, beforeAll, expect, test } from 'vitest';
import { addWorkspaceMember, assignTask, createProject, createTasks, dataOf, expectUserError, singleErrorOf, signUp, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { accept, invite, roles } from './sharing-builders.js';

let graph: TestGraph;
let admin: TestAccount;
let projectId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  admin = await signUp(graph, 'Rhea Admin');
  projectId = await createProject(graph, admin.token, 'Role play');
});
afterAll(() => graph?.close());

const createRole = `mutation($input: CreateProjectRoleInput!) {
  createProjectRole(input: $input) { role { id name isBuiltIn appliesToExternal seesAllTasks canComment canEditProject } userErrors { code field message } }
}`;
const updateRole = `mutation($input: UpdateProjectRoleInput!) { updateProjectRole(input: $input) { role { id name seesAllTasks } userErrors { code field message } } }`;
const deleteRole = `mutation($input: DeleteProjectRoleInput!) { deleteProjectRole(input: $input) { role { id } userErrors { code field message } } }`;
const setMemberRole = `mutation($input: SetProjectMemberRoleInput!) { setProjectMemberRole(input: $input) { project { id } userErrors { code field message } } }`;
const tasksQuery = `query($id: ID!) { project(id: $id) { tasks { totalCount } } }`;

async function newRole(input: Record<string, unknown>): Promise<string> {
  const data = dataOf(await graph.request(createRole, { input: { workspaceId: admin.ownWorkspaceId, ...input } }, admin.token));
  expect(data.createProjectRole.userErrors).toEqual([]);
  return data.createProjectRole.role.id;
}

test('projectRoles lists the built-in roles first', async () => {
  const data = dataOf(await graph.request(`{ viewer { currentWorkspace { projectRoles { id isBuiltIn appliesToExternal } } } }`, {}, admin.token));
  expect(data.viewer.currentWorkspace.projectRoles.slice(0, 3)).toEqual([
    { id: roles.editor, isBuiltIn: true, appliesToExternal: false },
    { id: roles.externalCollaborator, isBuiltIn: true, appliesToExternal: true },
    { id: roles.externalAssignee, isBuiltIn: true, appliesToExternal: true },
  ]);
});

test('createProjectRole stores the role with least permissions', async () => {
  const data = dataOf(await graph.request(createRole, { input: { workspaceId: admin.ownWorkspaceId, name: ' Reviewer ', appliesToExternal: true, permissions: { seesAllTasks: true } } }, admin.token));
  expect(data.createProjectRole).toEqual({
    role: { id: expect.any(String), name: 'Reviewer', isBuiltIn: false, appliesToExternal: true, seesAllTasks: true, canComment: true, canEditProject: false },
    userErrors: [],
  });
});

test('createProjectRole user errors', async () => {
  const cases: [Record<string, unknown>, string, string[]][] = [
    [{ name: '  ', appliesToExternal: false }, 'INVALID_INPUT', ['input', 'name']],
    [{ name: 'Editor', appliesToExternal: false }, 'ROLE_NAME_TAKEN', ['input', 'name']],
    [{ name: 'Outside editor', appliesToExternal: true, permissions: { canEditProject: true } }, 'PERMISSION_NOT_FOR_EXTERNALS', ['input', 'permissions', 'canEditProject']],
    [{ name: 'Outside settings', appliesToExternal: true, permissions: { canOpenSettings: true } }, 'PERMISSION_NOT_FOR_EXTERNALS', ['input', 'permissions', 'canOpenSettings']],
  ];
  for (const [input, code, field] of cases) {
    const data = dataOf(await graph.request(createRole, { input: { workspaceId: admin.ownWorkspaceId, ...input } }, admin.token));
    expectUserError(data.createProjectRole, 'role', code, field);
  }
});

test('createProjectRole needs a workspace admin', async () => {
  const member = await signUp(graph, 'Mo Member');
  await addWorkspaceMember(graph, admin.token, admin.ownWorkspaceId, member, 'MEMBER');
  singleErrorOf(await graph.request(createRole, { input: { workspaceId: admin.ownWorkspaceId, name: 'Sneaky', appliesToExternal: false } }, member.token), 'FORBIDDEN');
  const outsider = await signUp(graph, 'Otto Outsider');
  singleErrorOf(await graph.request(updateRole, { input: { roleId: await newRole({ name: 'Guarded', appliesToExternal: false }), name: 'Taken over' } }, outsider.token), 'FORBIDDEN');
});

test('updateProjectRole keeps the external flag and built-ins', async () => {
  const roleId = await newRole({ name: 'Fixed scope', appliesToExternal: true });
  expectUserError(dataOf(await graph.request(updateRole, { input: { roleId, appliesToExternal: false } }, admin.token)).updateProjectRole, 'role', 'ROLE_SCOPE_FIXED', ['input', 'appliesToExternal']);
  expectUserError(dataOf(await graph.request(updateRole, { input: { roleId, permissions: { canEditProject: true } } }, admin.token)).updateProjectRole, 'role', 'PERMISSION_NOT_FOR_EXTERNALS', ['input', 'permissions', 'canEditProject']);
  expectUserError(dataOf(await graph.request(updateRole, { input: { roleId: roles.editor, name: 'Boss' } }, admin.token)).updateProjectRole, 'role', 'ROLE_BUILT_IN', ['input', 'roleId']);
  expectUserError(dataOf(await graph.request(deleteRole, { input: { roleId: roles.externalAssignee } }, admin.token)).deleteProjectRole, 'role', 'ROLE_BUILT_IN', ['input', 'roleId']);
});

test('role permission change applies at once', async () => {
  const project = await createProject(graph, admin.token, 'Live permissions');
  const [, second] = await createTasks(graph, admin.token, project, 3, 'Live');
  const roleId = await newRole({ name: 'Flexible', appliesToExternal: true, permissions: { seesAllTasks: true, canEditTasks: true } });
  const external = await signUp(graph, 'Flo Flexible');
  await accept(graph, external, (await invite(graph, admin.token, project, external.email, roleId)).token);
  await assignTask(graph, admin.token, second!, external.id);
  expect(dataOf(await graph.request(tasksQuery, { id: project }, external.token)).project.tasks.totalCount).toBe(3);

  dataOf(await graph.request(updateRole, { input: { roleId, permissions: { seesAllTasks: false } } }, admin.token));
  expect(dataOf(await graph.request(tasksQuery, { id: project }, external.token)).project.tasks.totalCount).toBe(1);
});

test('setProjectMemberRole matches role and member kind', async () => {
  const project = await createProject(graph, admin.token, 'Member roles');
  await createTasks(graph, admin.token, project, 2, 'Kind');
  const external = await signUp(graph, 'Kim External');
  await accept(graph, external, (await invite(graph, admin.token, project, external.email)).token);
  const teammate = await signUp(graph, 'Tim Teammate');
  await addWorkspaceMember(graph, admin.token, admin.ownWorkspaceId, teammate, 'MEMBER');
  dataOf(await graph.request(`mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { project { id } } }`, { input: { projectId: project, accountId: teammate.id } }, admin.token));

  const cases: [string, string, string, string[]][] = [
    [external.id, roles.editor, 'ROLE_NOT_FOR_EXTERNALS', ['input', 'roleId']],
    [teammate.id, roles.externalAssignee, 'ROLE_ONLY_FOR_EXTERNALS', ['input', 'roleId']],
    [(await signUp(graph, 'Nora Nobody')).id, roles.editor, 'NOT_A_PROJECT_MEMBER', ['input', 'accountId']],
    [external.id, '00000000-0000-4000-8000-0000000000ff', 'ROLE_NOT_FOUND', ['input', 'roleId']],
  ];
  for (const [accountId, roleId, code, field] of cases) {
    expectUserError(dataOf(await graph.request(setMemberRole, { input: { projectId: project, accountId, roleId } }, admin.token)).setProjectMemberRole, 'project', code, field);
  }
  singleErrorOf(await graph.request(setMemberRole, { input: { projectId: project, accountId: teammate.id, roleId: roles.editor } }, external.token), 'FORBIDDEN');

  expect(dataOf(await graph.request(tasksQuery, { id: project }, external.token)).project.tasks.totalCount).toBe(2);
  expect(dataOf(await graph.request(setMemberRole, { input: { projectId: project, accountId: external.id, roleId: roles.externalAssignee } }, admin.token)).setProjectMemberRole.userErrors).toEqual([]);
  expect(dataOf(await graph.request(tasksQuery, { id: project }, external.token)).project.tasks.totalCount).toBe(0);
  const members = dataOf(await graph.request(`query($id: ID!) { project(id: $id) { members { account { id } role { id } } } }`, { id: project }, admin.token)).project.members;
  expect(members).toContainEqual({ account: { id: external.id }, role: { id: roles.externalAssignee } });
});

test('deleteProjectRole moves holders to a replacement', async () => {
  const project = await createProject(graph, admin.token, 'Role deletion');
  const doomed = await newRole({ name: 'Doomed', appliesToExternal: true, permissions: { seesAllTasks: true } });
  const internalRole = await newRole({ name: 'Internal only', appliesToExternal: false });
  const holder = await signUp(graph, 'Hal Holder');
  await accept(graph, holder, (await invite(graph, admin.token, project, holder.email, doomed)).token);

  expectUserError(dataOf(await graph.request(deleteRole, { input: { roleId: doomed } }, admin.token)).deleteProjectRole, 'role', 'ROLE_IN_USE', ['input', 'replacementRoleId']);
  expectUserError(dataOf(await graph.request(deleteRole, { input: { roleId: doomed, replacementRoleId: internalRole } }, admin.token)).deleteProjectRole, 'role', 'INVALID_REPLACEMENT_ROLE', ['input', 'replacementRoleId']);
  expect(dataOf(await graph.request(deleteRole, { input: { roleId: doomed, replacementRoleId: roles.externalCollaborator } }, admin.token)).deleteProjectRole).toEqual({ role: { id: doomed }, userErrors: [] });

  const members = dataOf(await graph.request(`query($id: ID!) { project(id: $id) { members { account { id } role { id } } } }`, { id: project }, admin.token)).project.members;
  expect(members).toContainEqual({ account: { id: holder.id }, role: { id: roles.externalCollaborator } });
  expect(dataOf(await graph.request(deleteRole, { input: { roleId: internalRole } }, admin.token)).deleteProjectRole.userErrors).toEqual([]);
});

test('removed external member loses access at once', async () => {
  const project = await createProject(graph, admin.token, 'Removal');
  const [taskId] = await createTasks(graph, admin.token, project, 1, 'Handover');
  const leaver = await signUp(graph, 'Lea Leaver');
  const placement = await accept(graph, leaver, (await invite(graph, admin.token, project, leaver.email)).token);
  await assignTask(graph, admin.token, taskId!, leaver.id);
  dataOf(await graph.request(`mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { id } } }`, { input: { taskId, entryDate: '2026-12-01', durationMinutes: 30 } }, leaver.token));

  const removed = dataOf(await graph.request(`mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { project { id } userErrors { code } } }`, { input: { projectId: project, accountId: leaver.id } }, admin.token));
  expect(removed.removeProjectMember.userErrors).toEqual([]);

  const seen = dataOf(await graph.request(`query($p: ID!, $t: ID!) { project(id: $p) { id } task(id: $t) { id } viewer { currentWorkspace { externalProjects { id } } } myTimeEntries { totalCount } }`, { p: project, t: taskId }, leaver.token));
  expect(seen).toEqual({ project: null, task: null, viewer: { currentWorkspace: { externalProjects: [] } }, myTimeEntries: { totalCount: 0 } });

  // What they contributed stays with the host, and their assignment shows them as a former member.
  const host = dataOf(await graph.request(`query($p: ID!, $t: ID!) { project(id: $p) { timeEntries { totalCount } } task(id: $t) { assignments { account { id } isProjectMember } } }`, { p: project, t: taskId }, admin.token));
  expect(host.project.timeEntries.totalCount).toBe(1);
  expect(host.task.assignments).toEqual([{ account: { id: leaver.id }, isProjectMember: false }]);
  const reassigned = dataOf(await graph.request(`mutation($input: TaskAssigneeInput!) { unassignTask(input: $input) { task { assignments { account { id } } } } }`, { input: { taskId, accountId: leaver.id } }, admin.token));
  expect(reassigned.unassignTask.task.assignments).toEqual([]);

  // Invited again, they choose a placement again.
  const second = dataOf(await graph.request(`mutation { createWorkspace(input: { name: "Lea Two" }) { workspace { id } } }`, {}, leaver.token)).createWorkspace.workspace.id;
  const again = await invite(graph, admin.token, project, leaver.email);
  expect(await accept(graph, leaver, again.token, second)).toBe(second);
  expect(second).not.toBe(placement);
});
