import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  addProjectMember,
  archiveProject,
  createProject,
  dataOf,
  expectUserError,
  joinWorkspace,
  signUp,
  type TestAccount,
} from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';

let graph: TestGraph;
/** Admin of the workspace that every test works in, which is the current workspace of the admin's session. */
let owner: TestAccount;
let workspaceId: string;
/** A MEMBER of the owner's workspace. */
let colleague: TestAccount;
/** An account that belongs to another workspace only. */
let outsider: TestAccount;

beforeAll(async () => {
  graph = await startTestGraph();
  owner = await signUp(graph, 'Olive Owner');
  workspaceId = owner.ownWorkspaceId;
  colleague = await joinWorkspace(graph, owner, workspaceId, 'Carl Colleague', 'MEMBER');
  outsider = await signUp(graph, 'Otto Outsider');
});
afterAll(() => graph?.close());

const projectFields = `id name archivedAt viewerIsMember hostWorkspace { id } createdBy { id } members { isExternal account { id } }`;

async function readProject(token: string, id: string) {
  return dataOf(await graph.request(`query($id: ID!) { project(id: $id) { ${projectFields} } }`, { id }, token)).project;
}

async function listedProjectIds(token: string, includeArchived: boolean) {
  const data = dataOf(
    await graph.request(
      `query($includeArchived: Boolean) {
        projects(includeArchived: $includeArchived) { id }
        viewer { currentWorkspace { projects(includeArchived: $includeArchived) { id } } }
      }`,
      { includeArchived },
      token,
    ),
  );
  const fromRoot = data.projects.map((project: { id: string }) => project.id);
  const fromWorkspace = data.viewer.currentWorkspace.projects.map((project: { id: string }) => project.id);
  // Both lists read the same workspace with the same viewer, so they always agree.
  expect(fromWorkspace).toEqual(fromRoot);
  return fromRoot as string[];
}

async function memberIds(projectId: string) {
  const project = await readProject(owner.token, projectId);
  return project.members.map((member: { account: { id: string } }) => member.account.id) as string[];
}

const renameMutation = `mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { id name } userErrors { code field message } } }`;
const addMemberMutation = `mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { project { id members { account { id } } } userErrors { code field message } } }`;
const removeMemberMutation = `mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { project { id members { account { id } } } userErrors { code field message } } }`;
const archiveMutation = `mutation($input: ProjectIdInput!) { archiveProject(input: $input) { project { id archivedAt } userErrors { code field message } } }`;
const unarchiveMutation = `mutation($input: ProjectIdInput!) { unarchiveProject(input: $input) { project { id archivedAt } userErrors { code field message } } }`;

test('createProject: creator is first member, project listed', async () => {
  const data = dataOf(
    await graph.request(
      `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { ${projectFields} createdAt } userErrors { code field message } } }`,
      { input: { name: 'Launch plan' } },
      owner.token,
    ),
  );
  expect(data.createProject.userErrors).toEqual([]);
  const project = data.createProject.project;
  expect(project).toMatchObject({
    name: 'Launch plan',
    archivedAt: null,
    viewerIsMember: true,
    hostWorkspace: { id: workspaceId },
    createdBy: { id: owner.id },
    members: [{ isExternal: false, account: { id: owner.id } }],
  });
  expect(Number.isNaN(Date.parse(project.createdAt))).toBe(false);

  expect(await readProject(owner.token, project.id)).toMatchObject({ name: 'Launch plan', members: [{ account: { id: owner.id } }] });
  expect(await listedProjectIds(owner.token, false)).toContain(project.id);
});

test('createProject: a 200-character name is accepted', async () => {
  const name = 'n'.repeat(200);
  const id = await createProject(graph, owner.token, name);
  expect((await readProject(owner.token, id)).name).toBe(name);
});

test('createProject: blank or 201-character name gives INVALID_INPUT', async () => {
  const before = await listedProjectIds(owner.token, true);
  for (const name of ['', '   ', 'n'.repeat(201)]) {
    const data = dataOf(
      await graph.request(
        `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } userErrors { code field message } } }`,
        { input: { name } },
        owner.token,
      ),
    );
    expectUserError(data.createProject, 'project', 'INVALID_INPUT', ['input', 'name']);
  }
  expect(await listedProjectIds(owner.token, true)).toEqual(before);
});

test('renameProject: stores the name, rejects blank', async () => {
  const id = await createProject(graph, owner.token, 'Old name');
  const renamed = dataOf(await graph.request(renameMutation, { input: { projectId: id, name: 'New name' } }, owner.token));
  expect(renamed.renameProject).toEqual({ project: { id, name: 'New name' }, userErrors: [] });
  expect((await readProject(owner.token, id)).name).toBe('New name');

  const blank = dataOf(await graph.request(renameMutation, { input: { projectId: id, name: ' ' } }, owner.token));
  expectUserError(blank.renameProject, 'project', 'INVALID_INPUT', ['input', 'name']);
  expect((await readProject(owner.token, id)).name).toBe('New name');
});

test('archiveProject: hides from lists and blocks changes', async () => {
  const id = await createProject(graph, owner.token, 'Seasonal');

  const archived = dataOf(await graph.request(archiveMutation, { input: { projectId: id } }, owner.token));
  expect(archived.archiveProject.userErrors).toEqual([]);
  const archivedAt = archived.archiveProject.project.archivedAt;
  expect(Number.isNaN(Date.parse(archivedAt))).toBe(false);

  expect(await listedProjectIds(owner.token, false)).not.toContain(id);
  expect(await listedProjectIds(owner.token, true)).toContain(id);
  // An archived project can still be read by ID.
  expect(await readProject(owner.token, id)).toMatchObject({ id, archivedAt });

  const rename = dataOf(await graph.request(renameMutation, { input: { projectId: id, name: 'Renamed while archived' } }, owner.token));
  expectUserError(rename.renameProject, 'project', 'PROJECT_ARCHIVED', ['input', 'projectId']);
  const add = dataOf(await graph.request(addMemberMutation, { input: { projectId: id, accountId: colleague.id } }, owner.token));
  expectUserError(add.addProjectMember, 'project', 'PROJECT_ARCHIVED', ['input', 'projectId']);
  expect(await readProject(owner.token, id)).toMatchObject({ name: 'Seasonal', archivedAt, members: [{ account: { id: owner.id } }] });
  expect(await memberIds(id)).toEqual([owner.id]);

  // Archiving again keeps the first archivedAt.
  const again = dataOf(await graph.request(archiveMutation, { input: { projectId: id } }, owner.token));
  expect(again.archiveProject).toEqual({ project: { id, archivedAt }, userErrors: [] });
  expect((await readProject(owner.token, id)).archivedAt).toBe(archivedAt);

  const restored = dataOf(await graph.request(unarchiveMutation, { input: { projectId: id } }, owner.token));
  expect(restored.unarchiveProject).toEqual({ project: { id, archivedAt: null }, userErrors: [] });
  expect(await listedProjectIds(owner.token, false)).toContain(id);
  const renamed = dataOf(await graph.request(renameMutation, { input: { projectId: id, name: 'Seasonal again' } }, owner.token));
  expect(renamed.renameProject).toEqual({ project: { id, name: 'Seasonal again' }, userErrors: [] });

  // Restoring an active project changes nothing.
  const restoredAgain = dataOf(await graph.request(unarchiveMutation, { input: { projectId: id } }, owner.token));
  expect(restoredAgain.unarchiveProject).toEqual({ project: { id, archivedAt: null }, userErrors: [] });
});

test('addProjectMember: adds a workspace member', async () => {
  const id = await createProject(graph, owner.token, 'Hiring');
  const data = dataOf(await graph.request(addMemberMutation, { input: { projectId: id, accountId: colleague.id } }, owner.token));
  expect(data.addProjectMember.userErrors).toEqual([]);
  expect(data.addProjectMember.project.members).toEqual([{ account: { id: owner.id } }, { account: { id: colleague.id } }]);

  const project = await readProject(owner.token, id);
  expect(project.members).toEqual([
    { isExternal: false, account: { id: owner.id } },
    { isExternal: false, account: { id: colleague.id } },
  ]);
  // The new member now sees the project in their current workspace.
  expect(await readProject(colleague.token, id)).toMatchObject({ id, viewerIsMember: true });
  expect(await listedProjectIds(colleague.token, false)).toContain(id);
});

test('addProjectMember: outsider gives NOT_A_WORKSPACE_MEMBER', async () => {
  const id = await createProject(graph, owner.token, 'Internal only');
  const data = dataOf(await graph.request(addMemberMutation, { input: { projectId: id, accountId: outsider.id } }, owner.token));
  expectUserError(data.addProjectMember, 'project', 'NOT_A_WORKSPACE_MEMBER', ['input', 'accountId']);
  expect(await memberIds(id)).toEqual([owner.id]);
  expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { id } }`, { id }, outsider.token)).project).toBeNull();
});

test('addProjectMember: adding twice gives ALREADY_PROJECT_MEMBER', async () => {
  const id = await createProject(graph, owner.token, 'Twice');
  await addProjectMember(graph, owner.token, id, colleague.id);
  const data = dataOf(await graph.request(addMemberMutation, { input: { projectId: id, accountId: colleague.id } }, owner.token));
  expectUserError(data.addProjectMember, 'project', 'ALREADY_PROJECT_MEMBER', ['input', 'accountId']);
  expect(await memberIds(id)).toEqual([owner.id, colleague.id]);
});

test('removeProjectMember: removes a member', async () => {
  const id = await createProject(graph, owner.token, 'Shrinking');
  await addProjectMember(graph, owner.token, id, colleague.id);
  const data = dataOf(await graph.request(removeMemberMutation, { input: { projectId: id, accountId: colleague.id } }, owner.token));
  expect(data.removeProjectMember).toEqual({ project: { id, members: [{ account: { id: owner.id } }] }, userErrors: [] });
  expect(await memberIds(id)).toEqual([owner.id]);
  // The removed MEMBER of the workspace no longer sees the project.
  expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { id } }`, { id }, colleague.token)).project).toBeNull();
});

test('removeProjectMember: non-member gives NOT_A_PROJECT_MEMBER', async () => {
  const id = await createProject(graph, owner.token, 'Not yours');
  await addProjectMember(graph, owner.token, id, colleague.id);
  const data = dataOf(await graph.request(removeMemberMutation, { input: { projectId: id, accountId: outsider.id } }, owner.token));
  expectUserError(data.removeProjectMember, 'project', 'NOT_A_PROJECT_MEMBER', ['input', 'accountId']);
  expect(await memberIds(id)).toEqual([owner.id, colleague.id]);
});

test('removeProjectMember: last member gives LAST_PROJECT_MEMBER', async () => {
  const id = await createProject(graph, owner.token, 'Solo');
  const data = dataOf(await graph.request(removeMemberMutation, { input: { projectId: id, accountId: owner.id } }, owner.token));
  expectUserError(data.removeProjectMember, 'project', 'LAST_PROJECT_MEMBER', ['input', 'accountId']);
  expect(await memberIds(id)).toEqual([owner.id]);
});

test('visibility: MEMBER sees only projects they joined', async () => {
  const id = await createProject(graph, owner.token, 'Board only');
  const reader = await joinWorkspace(graph, owner, workspaceId, 'Mia Member', 'MEMBER');

  expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { id name } }`, { id }, reader.token)).project).toBeNull();
  expect(await listedProjectIds(reader.token, false)).not.toContain(id);
  expect(await listedProjectIds(reader.token, true)).not.toContain(id);

  await addProjectMember(graph, owner.token, id, reader.id);
  expect(await readProject(reader.token, id)).toMatchObject({ id, viewerIsMember: true });
  expect(await listedProjectIds(reader.token, false)).toContain(id);
});

test('visibility: workspace ADMIN sees every project', async () => {
  const first = await createProject(graph, owner.token, 'Admin view 1');
  const second = await createProject(graph, owner.token, 'Admin view 2');
  await archiveProject(graph, owner.token, second);
  const admin = await joinWorkspace(graph, owner, workspaceId, 'Ada Admin', 'ADMIN');

  const all = await listedProjectIds(owner.token, true);
  expect(await listedProjectIds(admin.token, true)).toEqual(all);
  const active = await listedProjectIds(owner.token, false);
  expect(await listedProjectIds(admin.token, false)).toEqual(active);
  expect(active).toContain(first);
  expect(active).not.toContain(second);
  // Oldest first.
  expect(all.indexOf(first)).toBeLessThan(all.indexOf(second));

  expect(await readProject(admin.token, first)).toMatchObject({ id: first, viewerIsMember: false, members: [{ account: { id: owner.id } }] });
  const data = dataOf(await graph.request(`{ projects { id viewerIsMember } }`, {}, admin.token));
  expect(data.projects.every((project: { viewerIsMember: boolean }) => project.viewerIsMember === false)).toBe(true);
});

test('removeProjectMember: concurrent removals leave one member', async () => {
  for (let round = 1; round <= 5; round += 1) {
    const id = await createProject(graph, owner.token, `Race ${round}`);
    await addProjectMember(graph, owner.token, id, colleague.id);

    const responses = await Promise.all(
      [owner.id, colleague.id].map((accountId) => graph.request(removeMemberMutation, { input: { projectId: id, accountId } }, owner.token)),
    );
    const payloads = responses.map((response) => dataOf(response).removeProjectMember);
    const succeeded = payloads.filter((payload) => payload.userErrors.length === 0);
    const refused = payloads.filter((payload) => payload.userErrors.length > 0);
    expect(succeeded).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expectUserError(refused[0], 'project', 'LAST_PROJECT_MEMBER', ['input', 'accountId']);

    const remaining = await memberIds(id);
    expect(remaining).toHaveLength(1);
    expect(succeeded[0].project.members).toEqual([{ account: { id: remaining[0] } }]);
  }
});
