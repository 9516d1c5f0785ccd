import { expect } from 'vitest';
import { addWorkspaceMember, assignTask, createProject, createTask, dataOf, joinWorkspace, signUp, switchWorkspace, type TestAccount } from '../builders.js';
import type { TestGraph } from '../harness.js';
import { accept, invite, roles } from '../sharing-builders.js';
import { logTime, viewerOf } from '../time-builders.js';
import { createPrivateTask, schedule, sharePrivateTask } from '../private-builders.js';
import type { Viewer } from '../../subgraphs/common/viewer.js';
import { buildManifest } from '../../subgraphs/common/persisted-manifest.js';
import type { ViewerKind } from './matrix.js';

/** The seeded objects that the matrix reads and changes, and one signed-in account per viewer kind. */
export interface World {
  graph: TestGraph;
  accounts: Record<Exclude<ViewerKind, 'anonymous'>, TestAccount>;
  hostWorkspaceId: string;
  projectId: string;
  projectName: string;
  /** Assigned to the external assignee. */
  visibleTaskId: string;
  /** Assigned to no one, so the external assignee may not see it. */
  hiddenTaskId: string;
  /** Logged by the host admin on the visible task. */
  timeEntryId: string;
  /** A private task of the host admin, shared with the editor. */
  privateTaskId: string;
  privateTaskTitle: string;
  /** The host admin's calendar entry for the visible task, in `calendarFrom`..`calendarTo`. */
  calendarEntryId: string;
  calendarEntryStart: string;
  calendarEntryEnd: string;
  /** The host admin's later calendar entry for the private task. */
  privateCalendarEntryId: string;
  calendarFrom: string;
  calendarTo: string;
  /** The host admin's comments: on the project a public one (mentioning the collaborator) then an internal one, and the same on the visible task. */
  projectCommentId: string;
  internalProjectCommentId: string;
  taskCommentId: string;
  internalTaskCommentId: string;
  /** A custom role of the host workspace. */
  customRoleId: string;
  customRoleName: string;
  /** The persisted operation manifest registered for the host workspace's integration token. */
  manifest: string;
  /** Token of a pending invitation to the project. */
  pendingInvitationToken: string;
  logoUrl: string;
}

export const viewerKinds = ['hostAdmin', 'editor', 'hostOutsider', 'collaborator', 'assignee', 'removed', 'stranger', 'anonymous'] as const satisfies readonly ViewerKind[];

let uniqueCounter = 0;
/** A value that no earlier call returned, for names and e-mail addresses. */
export function unique(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${uniqueCounter}`;
}

/** The bearer token of a viewer kind; undefined for the anonymous caller. */
export function tokenOf(world: World, kind: ViewerKind): string | undefined {
  return kind === 'anonymous' ? undefined : world.accounts[kind].token;
}

/** The viewer that the gateway would assert for a viewer kind, for signed requests straight to a subgraph. */
export function subgraphViewerOf(world: World, kind: ViewerKind): Viewer | null {
  if (kind === 'anonymous') return null;
  const account = world.accounts[kind];
  const viewer = viewerOf(account);
  // Host members switched their session to the host workspace; the gateway asserts the session's current workspace.
  return kind === 'hostAdmin' || kind === 'editor' || kind === 'hostOutsider' ? { ...viewer, workspaceId: world.hostWorkspaceId } : viewer;
}

/** Sends a mutation as `token` and returns its payload, failing on GraphQL errors and user errors. */
export async function mutate(graph: TestGraph, token: string, name: string, inputType: string, input: Record<string, unknown>, selection: string): Promise<any> {
  const data = dataOf(await graph.request(`mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { code field message } } }`, { input }, token));
  expect(data[name].userErrors, `${name} in the matrix seed`).toEqual([]);
  return data[name];
}

/**
 * Seeds the world: a host workspace with a project that an admin created, an editor in it, a
 * host member outside it, an external collaborator, an external assignee assigned to one of two
 * tasks, an external member who was removed again, and an account of an unrelated workspace.
 */
export async function seedWorld(graph: TestGraph): Promise<World> {
  const hostAdmin = await signUp(graph, 'Hana Host');
  const hostWorkspaceId = hostAdmin.ownWorkspaceId;
  const logoUrl = 'https://cdn.example.com/host-logo.png';
  await mutate(graph, hostAdmin.token, 'setWorkspaceLogo', 'SetWorkspaceLogoInput', { workspaceId: hostWorkspaceId, logoUrl }, 'workspace { id }');
  const projectName = 'Matrix project';
  const projectId = await createProject(graph, hostAdmin.token, projectName);

  const editor = await joinWorkspace(graph, hostAdmin, hostWorkspaceId, 'Ed Editor', 'MEMBER');
  await mutate(graph, hostAdmin.token, 'addProjectMember', 'ProjectMemberInput', { projectId, accountId: editor.id }, 'project { id }');
  const hostOutsider = await joinWorkspace(graph, hostAdmin, hostWorkspaceId, 'Olga Outside', 'MEMBER');

  const collaborator = await signUp(graph, 'Cleo Collab');
  await accept(graph, collaborator, (await invite(graph, hostAdmin.token, projectId, collaborator.email, roles.externalCollaborator)).token);
  const assignee = await signUp(graph, 'Asa Assignee');
  await accept(graph, assignee, (await invite(graph, hostAdmin.token, projectId, assignee.email, roles.externalAssignee)).token);
  const removed = await signUp(graph, 'Remy Removed');
  await accept(graph, removed, (await invite(graph, hostAdmin.token, projectId, removed.email, roles.externalCollaborator)).token);
  const stranger = await signUp(graph, 'Stan Stranger');

  // Created first, so that it heads every task list.
  const visibleTaskId = await createTask(graph, hostAdmin.token, { projectId, title: 'Assigned task', description: 'Seen by the assignee', dueDate: '2030-01-31' });
  const hiddenTaskId = await createTask(graph, hostAdmin.token, { projectId, title: 'Unassigned task', description: 'Not seen by the assignee', dueDate: '2030-02-28' });
  await assignTask(graph, hostAdmin.token, visibleTaskId, assignee.id);
  const timeEntryId = await logTime(graph, hostAdmin.token, { taskId: visibleTaskId, entryDate: '2030-01-02', durationMinutes: 45, note: 'Host work' });

  const privateTaskTitle = 'Private plan';
  const privateTaskId = await createPrivateTask(graph, hostAdmin.token, { title: privateTaskTitle, description: 'Only for me and Ed', dueDate: '2030-03-31' });
  await sharePrivateTask(graph, hostAdmin.token, privateTaskId, editor.id);
  const calendarEntryStart = '2030-01-07T09:00:00.000Z';
  const calendarEntryEnd = '2030-01-07T11:00:00.000Z';
  const calendarEntryId = await schedule(graph, hostAdmin.token, { taskId: visibleTaskId, start: calendarEntryStart, end: calendarEntryEnd });
  const privateCalendarEntryId = await schedule(graph, hostAdmin.token, { privateTaskId, start: '2030-01-08T09:00:00.000Z', end: '2030-01-08T10:00:00.000Z' });

  const comment = async (target: Record<string, unknown>, body: string, isInternal: boolean, mentionAccountIds: string[] = []) =>
    (await mutate(graph, hostAdmin.token, 'createComment', 'CreateCommentInput', { ...target, body, isInternal, mentionAccountIds }, 'comment { id }')).comment.id as string;
  const projectCommentId = await comment({ projectId }, 'Welcome, @Cleo', false, [collaborator.id]);
  const internalProjectCommentId = await comment({ projectId }, 'Budget is tight', true, [editor.id]);
  const taskCommentId = await comment({ taskId: visibleTaskId }, 'Please start', false, [assignee.id]);
  const internalTaskCommentId = await comment({ taskId: visibleTaskId }, 'Check their work', true, [editor.id]);

  await mutate(graph, hostAdmin.token, 'removeProjectMember', 'ProjectMemberInput', { projectId, accountId: removed.id }, 'project { id }');

  // The host workspace's one integration token, listed to its admin.
  const token = await mutate(graph, hostAdmin.token, 'createIntegrationToken', 'CreateIntegrationTokenInput', { workspaceId: hostWorkspaceId, name: 'Matrix sync', scopes: ['READ'] }, 'integrationToken { id }');
  const manifest = JSON.stringify(buildManifest([{ name: 'Sync', type: 'query', body: 'query Sync { viewer { account { id } } }' }]));
  await mutate(graph, hostAdmin.token, 'registerPersistedOperations', 'RegisterPersistedOperationsInput', { integrationTokenId: token.integrationToken.id, manifest }, 'integrationToken { id }');

  const customRoleName = 'Matrix reviewer';
  const role = await mutate(graph, hostAdmin.token, 'createProjectRole', 'CreateProjectRoleInput', { workspaceId: hostWorkspaceId, name: customRoleName, appliesToExternal: false }, 'role { id }');
  const pending = await invite(graph, hostAdmin.token, projectId, `${unique('pending')}@example.com`);

  // The seed must leave each host member in the host workspace and each other account in its own.
  await switchWorkspace(graph, hostAdmin, hostWorkspaceId);
  return {
    graph,
    accounts: { hostAdmin, editor, hostOutsider, collaborator, assignee, removed, stranger },
    hostWorkspaceId,
    manifest,
    projectId,
    projectName,
    visibleTaskId,
    hiddenTaskId,
    timeEntryId,
    privateTaskId,
    privateTaskTitle,
    calendarEntryId,
    calendarEntryStart,
    calendarEntryEnd,
    privateCalendarEntryId,
    calendarFrom: '2030-01-01T00:00:00.000Z',
    calendarTo: '2030-02-01T00:00:00.000Z',
    projectCommentId,
    internalProjectCommentId,
    taskCommentId,
    internalTaskCommentId,
    customRoleId: role.role.id,
    customRoleName,
    pendingInvitationToken: pending.token,
    logoUrl,
  };
}

/** Signs up an account and makes it a member of the host workspace, without switching its session. */
export async function freshHostMember(world: World, name: string): Promise<TestAccount> {
  const account = await signUp(world.graph, name);
  await addWorkspaceMember(world.graph, world.accounts.hostAdmin.token, world.hostWorkspaceId, account, 'MEMBER');
  return account;
}
