import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { invitations, projectMembers } from '../db/sharing/schema.js';
import { assignTask, createProject, createTasks, dataOf, expectUserError, singleErrorOf, signUp, type TestAccount } from './builders.js';
import { entitiesBody, jwtClaims, postSignedToSubgraph } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { accept, acceptMutation, invitationTokenFor, invite, inviteMutation, roles } from './sharing-builders.js';

let graph: TestGraph;
let host: TestAccount;
let projectId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  host = await signUp(graph, 'Hana Host');
  projectId = await createProject(graph, host.token, 'Shared launch');
});
afterAll(() => graph?.close());

const previewQuery = `query($token: String!) {
  invitationPreview(token: $token) { projectName hostWorkspaceName hostWorkspaceLogoUrl inviterName roleName email expiresAt emailHasAccount }
}`;

const membersQuery = `query($id: ID!) {
  project(id: $id) {
    members { account { id name } isExternal isAssignable isMentionable role { name appliesToExternal } homeWorkspace { id name logoUrl } }
  }
}`;

async function openMembershipRows(project: string, accountId: string) {
  return graph.database.db.select().from(projectMembers).where(sql`${projectMembers.projectId} = ${project} and ${projectMembers.accountId} = ${accountId}`);
}

test('inviteExternalMember stores a hashed token and queues the e-mail', async () => {
  const email = 'client.one@other.example';
  const data = dataOf(await graph.request(inviteMutation, { input: { projectId, email: ' Client.One@Other.example ', roleId: roles.externalCollaborator } }, host.token));
  expect(data.inviteExternalMember.userErrors).toEqual([]);
  const invitation = data.inviteExternalMember.invitation;
  expect(invitation).toMatchObject({ email, status: 'PENDING', sentCount: 1, role: { id: roles.externalCollaborator, name: 'External collaborator' }, invitedBy: { id: host.id } });
  const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(13.9);
  expect(days).toBeLessThanOrEqual(14);

  const token = await invitationTokenFor(graph, email);
  const [row] = await graph.database.db.select().from(invitations).where(eq(invitations.id, invitation.id));
  expect(row!.tokenHash).not.toBe(token);
  expect(JSON.stringify(row)).not.toContain(token);

  const listed = dataOf(await graph.request(`query($id: ID!) { project(id: $id) { invitations { id email status } } }`, { id: projectId }, host.token));
  expect(listed.project.invitations).toContainEqual({ id: invitation.id, email, status: 'PENDING' });
});

test('inviteExternalMember accepts the host domain and many invitees', async () => {
  const hostDomain = host.email.split('@')[1];
  for (let index = 0; index < 5; index += 1) {
    const data = dataOf(await graph.request(inviteMutation, { input: { projectId, email: `colleague.${index}@${hostDomain}`, roleId: roles.externalAssignee } }, host.token));
    expect(data.inviteExternalMember.userErrors).toEqual([]);
  }
});

test('inviteExternalMember user errors', async () => {
  const cases: [Record<string, unknown>, string, string[] | null][] = [
    [{ email: 'not an address', roleId: roles.externalCollaborator }, 'INVALID_INPUT', ['input', 'email']],
    [{ email: 'internal.role@other.example', roleId: roles.editor }, 'ROLE_NOT_FOR_EXTERNALS', ['input', 'roleId']],
    [{ email: 'client.one@other.example', roleId: roles.externalCollaborator }, 'ALREADY_INVITED', ['input', 'email']],
    [{ email: host.email, roleId: roles.externalCollaborator }, 'ALREADY_PROJECT_MEMBER', ['input', 'email']],
  ];
  for (const [input, code, field] of cases) {
    const data = dataOf(await graph.request(inviteMutation, { input: { projectId, ...input } }, host.token));
    expectUserError(data.inviteExternalMember, 'invitation', code, field);
  }
});

test('invitationPreview shows the accept screen to anyone', async () => {
  const { token } = await invite(graph, host.token, projectId, 'preview.person@other.example');
  const data = dataOf(await graph.request(previewQuery, { token }));
  expect(data.invitationPreview).toMatchObject({
    projectName: 'Shared launch',
    hostWorkspaceName: "Hana Host's workspace",
    hostWorkspaceLogoUrl: null,
    inviterName: 'Hana Host',
    roleName: 'External collaborator',
    email: 'preview.person@other.example',
    emailHasAccount: false,
  });
});

test('invitationPreview distinguishes bad tokens', async () => {
  const { invitationId: revokedId, token: revoked } = await invite(graph, host.token, projectId, 'revoked.person@other.example');
  dataOf(await graph.request(`mutation($input: InvitationIdInput!) { revokeInvitation(input: $input) { invitation { status } userErrors { code } } }`, { input: { invitationId: revokedId } }, host.token));
  const { invitationId: expiredId, token: expired } = await invite(graph, host.token, projectId, 'expired.person@other.example');
  await graph.database.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expiredId));
  const acceptedPerson = await signUp(graph, 'Accepted Person');
  const { token: accepted } = await invite(graph, host.token, projectId, acceptedPerson.email);
  await accept(graph, acceptedPerson, accepted);

  const cases: [string, string][] = [
    ['A'.repeat(43), 'INVITATION_NOT_FOUND'],
    ['short', 'INVITATION_NOT_FOUND'],
    [revoked, 'INVITATION_REVOKED'],
    [expired, 'INVITATION_EXPIRED'],
    [accepted, 'INVITATION_ALREADY_ACCEPTED'],
  ];
  for (const [token, code] of cases) {
    singleErrorOf(await graph.request(previewQuery, { token }), code);
  }
});

test('resendInvitation replaces the token', async () => {
  const email = 'resend.person@other.example';
  const { invitationId, token: oldToken } = await invite(graph, host.token, projectId, email);
  const data = dataOf(await graph.request(`mutation($input: InvitationIdInput!) { resendInvitation(input: $input) { invitation { id sentCount status } userErrors { code } } }`, { input: { invitationId } }, host.token));
  expect(data.resendInvitation).toEqual({ invitation: { id: invitationId, sentCount: 2, status: 'PENDING' }, userErrors: [] });

  const newToken = await invitationTokenFor(graph, email);
  expect(newToken).not.toBe(oldToken);
  singleErrorOf(await graph.request(previewQuery, { token: oldToken }), 'INVITATION_NOT_FOUND');
  expect(dataOf(await graph.request(previewQuery, { token: newToken })).invitationPreview.email).toBe(email);
});

test('acceptInvitation with one workspace places the project there', async () => {
  const client = await signUp(graph, 'Cleo Client');
  const { token } = await invite(graph, host.token, projectId, client.email);
  expect(dataOf(await graph.request(previewQuery, { token })).invitationPreview.emailHasAccount).toBe(true);

  const data = dataOf(await graph.request(acceptMutation, { input: { token } }, client.token));
  expect(data.acceptInvitation).toEqual({ project: { id: projectId, name: 'Shared launch' }, placementWorkspace: { id: client.ownWorkspaceId, name: "Cleo Client's workspace" }, userErrors: [] });

  const own = dataOf(
    await graph.request(
      `{ viewer { currentWorkspace { externalProjects { id name hostWorkspace { name logoUrl } viewerIsExternal } projectOverview { isExternal project { id } } } } }`,
      {},
      client.token,
    ),
  );
  expect(own.viewer.currentWorkspace.externalProjects).toEqual([{ id: projectId, name: 'Shared launch', hostWorkspace: { name: "Hana Host's workspace", logoUrl: null }, viewerIsExternal: true }]);
  expect(own.viewer.currentWorkspace.projectOverview).toEqual([{ isExternal: true, project: { id: projectId } }]);

  const members = dataOf(await graph.request(membersQuery, { id: projectId }, host.token)).project.members;
  expect(members).toContainEqual({
    account: { id: client.id, name: 'Cleo Client' },
    isExternal: true,
    isAssignable: true,
    isMentionable: true,
    role: { name: 'External collaborator', appliesToExternal: true },
    homeWorkspace: { id: client.ownWorkspaceId, name: "Cleo Client's workspace", logoUrl: null },
  });
});

test('acceptInvitation with several workspaces needs a placement', async () => {
  const freelancer = await signUp(graph, 'Fred Freelancer');
  const second = dataOf(await graph.request(`mutation { createWorkspace(input: { name: "Fred Studio" }) { workspace { id } } }`, {}, freelancer.token)).createWorkspace.workspace.id;
  const { token } = await invite(graph, host.token, projectId, freelancer.email, roles.externalAssignee);

  expectUserError(dataOf(await graph.request(acceptMutation, { input: { token } }, freelancer.token)).acceptInvitation, 'project', 'PLACEMENT_REQUIRED', ['input', 'placementWorkspaceId']);
  expectUserError(
    dataOf(await graph.request(acceptMutation, { input: { token, placementWorkspaceId: host.ownWorkspaceId } }, freelancer.token)).acceptInvitation,
    'project',
    'WORKSPACE_NOT_FOUND',
    ['input', 'placementWorkspaceId'],
  );
  expect(await openMembershipRows(projectId, freelancer.id)).toEqual([]);

  expect(await accept(graph, freelancer, token, second)).toBe(second);
  const overview = dataOf(
    await graph.request(`{ viewer { workspaces { id externalProjects { id } } } }`, {}, freelancer.token),
  ).viewer.workspaces as { id: string; externalProjects: { id: string }[] }[];
  expect(overview.find((workspace) => workspace.id === second)!.externalProjects).toEqual([{ id: projectId }]);
  expect(overview.find((workspace) => workspace.id === freelancer.ownWorkspaceId)!.externalProjects).toEqual([]);
});

test('acceptInvitation rejects another e-mail address', async () => {
  const stranger = await signUp(graph, 'Stan Stranger');
  const { token } = await invite(graph, host.token, projectId, 'someone.else@other.example');
  expectUserError(dataOf(await graph.request(acceptMutation, { input: { token } }, stranger.token)).acceptInvitation, 'project', 'INVITATION_EMAIL_MISMATCH', ['input', 'token']);
  expect(await openMembershipRows(projectId, stranger.id)).toEqual([]);
});

test('acceptInvitation twice or concurrently yields one membership', async () => {
  const person = await signUp(graph, 'Paula Parallel');
  const { token } = await invite(graph, host.token, projectId, person.email);
  const results = await Promise.all(Array.from({ length: 5 }, () => graph.request(acceptMutation, { input: { token } }, person.token)));
  for (const result of results) {
    expect(dataOf(result).acceptInvitation.userErrors).toEqual([]);
  }
  expect(dataOf(await graph.request(acceptMutation, { input: { token } }, person.token)).acceptInvitation.userErrors).toEqual([]);
  expect(await openMembershipRows(projectId, person.id)).toHaveLength(1);
});

test('signUp with an invitation token starts on Basic Connect', async () => {
  const email = 'new.client@elsewhere.example';
  const { token } = await invite(graph, host.token, projectId, email);
  const signUpMutation = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken currentWorkspace { id plan } userErrors { code field message } } }`;

  const mismatch = dataOf(await graph.request(signUpMutation, { input: { name: 'Wrong Address', email: 'wrong@elsewhere.example', password: 'long enough password', invitationToken: token } }));
  expectUserError(mismatch.signUp, 'accessToken', 'INVITATION_EMAIL_MISMATCH', ['input', 'email']);

  const data = dataOf(await graph.request(signUpMutation, { input: { name: 'Nina New', email, password: 'long enough password', workspaceName: 'Nina Co', invitationToken: token } }));
  expect(data.signUp.userErrors).toEqual([]);
  expect(data.signUp.currentWorkspace.plan).toBe('BASIC_CONNECT');

  const accepted = dataOf(await graph.request(acceptMutation, { input: { token } }, data.signUp.accessToken));
  expect(accepted.acceptInvitation.placementWorkspace.id).toBe(data.signUp.currentWorkspace.id);
});

test('invited person cannot be assigned before accepting', async () => {
  const invitee = await signUp(graph, 'Ivo Invitee');
  await invite(graph, host.token, projectId, invitee.email);
  const [taskId] = await createTasks(graph, host.token, projectId, 1, 'Unassignable');
  const data = dataOf(await graph.request(`mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id } userErrors { code field message } } }`, { input: { taskId, accountId: invitee.id } }, host.token));
  expectUserError(data.assignTask, 'task', 'NOT_A_PROJECT_MEMBER', ['input', 'accountId']);
});

test('external assignee sees only assigned tasks', async () => {
  const project = await createProject(graph, host.token, 'Assigned only');
  const [first, second, third] = await createTasks(graph, host.token, project, 3, 'Job');
  const assignee = await signUp(graph, 'Ada Assignee');
  await accept(graph, assignee, (await invite(graph, host.token, project, assignee.email, roles.externalAssignee)).token);
  await assignTask(graph, host.token, second!, assignee.id);

  const tasksQuery = `query($id: ID!) { project(id: $id) { tasks { totalCount nodes { id } } } }`;
  expect(dataOf(await graph.request(tasksQuery, { id: project }, assignee.token)).project.tasks).toEqual({ totalCount: 1, nodes: [{ id: second }] });
  expect(dataOf(await graph.request(tasksQuery, { id: project }, host.token)).project.tasks.totalCount).toBe(3);

  const byId = `query($id: ID!) { task(id: $id) { id title } }`;
  expect(dataOf(await graph.request(byId, { id: first }, assignee.token)).task).toBeNull();
  expect(dataOf(await graph.request(byId, { id: second }, assignee.token)).task.id).toBe(second);
  singleErrorOf(await graph.request(`mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { id } } }`, { input: { taskId: third, title: 'Taken over' } }, assignee.token), 'FORBIDDEN');

  // The same limit holds for entity references that the gateway resolves.
  const viewer = { accountId: assignee.id, sessionId: jwtClaims(assignee.token).sid as string, workspaceId: assignee.ownWorkspaceId };
  const entities = await postSignedToSubgraph(graph, 'work', entitiesBody([{ __typename: 'Task', id: first }, { __typename: 'Task', id: second }], '... on Task { id title }'), viewer);
  expect(entities.errors).toBeUndefined();
  expect(entities.data._entities).toEqual([null, { id: second, title: 'Job 2' }]);

  await assignTask(graph, host.token, third!, assignee.id);
  expect(dataOf(await graph.request(tasksQuery, { id: project }, assignee.token)).project.tasks.nodes).toEqual([{ id: second }, { id: third }]);
});

test('external member sees every member with their home workspace', async () => {
  const project = await createProject(graph, host.token, 'Members view');
  const first = await signUp(graph, 'First External');
  const second = await signUp(graph, 'Second External');
  await accept(graph, first, (await invite(graph, host.token, project, first.email)).token);
  await accept(graph, second, (await invite(graph, host.token, project, second.email, roles.externalAssignee)).token);

  const members = dataOf(await graph.request(membersQuery, { id: project }, first.token)).project.members as { account: { id: string }; isExternal: boolean; homeWorkspace: { id: string } }[];
  expect(members.map((member) => [member.account.id, member.isExternal, member.homeWorkspace.id])).toEqual([
    [host.id, false, host.ownWorkspaceId],
    [first.id, true, first.ownWorkspaceId],
    [second.id, true, second.ownWorkspaceId],
  ]);
  const emails = dataOf(await graph.request(`query($id: ID!) { project(id: $id) { members { account { email } } } }`, { id: project }, first.token));
  expect(emails.project.members.map((member: { account: { email: string } }) => member.account.email)).toEqual([host.email, first.email, second.email]);
});

test('external member changes a task but not the project', async () => {
  const project = await createProject(graph, host.token, 'Collaboration');
  const [taskId] = await createTasks(graph, host.token, project, 1, 'Shared job');
  const collaborator = await signUp(graph, 'Col Laborator');
  await accept(graph, collaborator, (await invite(graph, host.token, project, collaborator.email)).token);

  const updated = dataOf(await graph.request(`mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { status } userErrors { code } } }`, { input: { taskId, status: 'IN_PROGRESS' } }, collaborator.token));
  expect(updated.updateTask).toEqual({ task: { status: 'IN_PROGRESS' }, userErrors: [] });

  singleErrorOf(await graph.request(`mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { id } } }`, { input: { projectId: project, name: 'Hijacked' } }, collaborator.token), 'FORBIDDEN');
  singleErrorOf(await graph.request(inviteMutation, { input: { projectId: project, email: 'friend@other.example', roleId: roles.externalCollaborator } }, collaborator.token), 'FORBIDDEN');
  singleErrorOf(await graph.request(`query($id: ID!) { project(id: $id) { invitations { id } } }`, { id: project }, collaborator.token), 'FORBIDDEN');
});

test('external member sees nothing else of the host', async () => {
  const project = await createProject(graph, host.token, 'Visible to guest');
  const hidden = await createProject(graph, host.token, 'Internal only');
  const guest = await signUp(graph, 'Gus Guest');
  await accept(graph, guest, (await invite(graph, host.token, project, guest.email)).token);

  expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { id } }`, { id: hidden }, guest.token)).project).toBeNull();
  const host_ = await graph.request(`query($id: ID!) { project(id: $id) { hostWorkspace { name projects { id } members { account { id } } } } }`, { id: project }, guest.token);
  expect(host_.data?.project.hostWorkspace.name).toBe("Hana Host's workspace");
  expect(host_.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
    ['project.hostWorkspace.projects', 'FORBIDDEN'],
    ['project.hostWorkspace.members', 'FORBIDDEN'],
  ]);
});

test('external invitations switched off', async () => {
  const project = await createProject(graph, host.token, 'Switch test');
  const early = await signUp(graph, 'Early Bird');
  const late = await signUp(graph, 'Late Comer');
  const member = await signUp(graph, 'Existing External');
  await accept(graph, member, (await invite(graph, host.token, project, member.email)).token);
  const { token: earlyToken } = await invite(graph, host.token, project, early.email);

  const setting = `mutation($input: SetExternalInvitationsEnabledInput!) { setExternalInvitationsEnabled(input: $input) { workspace { externalInvitationsEnabled } userErrors { code } } }`;
  singleErrorOf(await graph.request(setting, { input: { workspaceId: host.ownWorkspaceId, enabled: false } }, member.token), 'FORBIDDEN');
  expect(dataOf(await graph.request(setting, { input: { workspaceId: host.ownWorkspaceId, enabled: false } }, host.token)).setExternalInvitationsEnabled.workspace.externalInvitationsEnabled).toBe(false);

  try {
    const rejected = dataOf(await graph.request(inviteMutation, { input: { projectId: project, email: late.email, roleId: roles.externalCollaborator } }, host.token));
    expectUserError(rejected.inviteExternalMember, 'invitation', 'EXTERNAL_INVITATIONS_DISABLED', null);

    await accept(graph, early, earlyToken);
    expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { name } }`, { id: project }, member.token)).project.name).toBe('Switch test');
  } finally {
    dataOf(await graph.request(setting, { input: { workspaceId: host.ownWorkspaceId, enabled: true } }, host.token));
  }
});
