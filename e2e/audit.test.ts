import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { invitations } from '../db/sharing/schema.js';
import { addProjectMember, countStatements, createProject, dataOf, expectUserError, joinWorkspace, singleErrorOf, signUp, type TestAccount } from './builders.js';
import { entitiesBody, jwtClaims, postSignedToSubgraph } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { accept, invite, inviteMutation, roles } from './sharing-builders.js';

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(() => graph?.close());

const auditQuery = `query($first: Int, $after: String, $filter: AuditLogFilter) {
  viewer { currentWorkspace { auditLog(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id } }
    nodes { id action occurredAt actor { id } project { id name } targetAccount { id } targetEmail targetId before after }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } } }
}`;

async function auditLog(account: TestAccount, variables: Record<string, unknown> = {}) {
  const data = dataOf(await graph.request(auditQuery, { first: 100, ...variables }, account.token));
  return data.viewer.currentWorkspace.auditLog;
}

async function auditEvents(account: TestAccount, filter?: Record<string, unknown>): Promise<any[]> {
  return (await auditLog(account, { filter })).nodes;
}

const settingMutation = `mutation($input: SetExternalInvitationsEnabledInput!) {
  setExternalInvitationsEnabled(input: $input) { workspace { externalInvitationsEnabled } userErrors { code } }
}`;
const resendMutation = `mutation($input: InvitationIdInput!) { resendInvitation(input: $input) { invitation { id expiresAt sentCount } userErrors { code field message } } }`;
const revokeMutation = `mutation($input: InvitationIdInput!) { revokeInvitation(input: $input) { invitation { id revokedAt } userErrors { code field message } } }`;
const removeMemberMutation = `mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { project { id } userErrors { code field message } } }`;
const addMemberMutation = `mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { project { id } userErrors { code field message } } }`;

/** Creates a host workspace with an admin, a second member and a project. */
async function hostWorkspace(name: string) {
  const admin = await signUp(graph, `${name} Admin`);
  const member = await joinWorkspace(graph, admin, admin.ownWorkspaceId, `${name} Member`, 'MEMBER');
  const projectId = await createProject(graph, admin.token, `${name} project`);
  return { admin, member, projectId };
}

test('each sharing change records one event with its actor, target and values', async () => {
  const { admin, member, projectId } = await hostWorkspace('Recorder');

  const sent = dataOf(await graph.request(inviteMutation, { input: { projectId, email: 'first.guest@client.example', roleId: roles.externalCollaborator } }, admin.token))
    .inviteExternalMember.invitation;
  const resent = dataOf(await graph.request(resendMutation, { input: { invitationId: sent.id } }, admin.token)).resendInvitation.invitation;
  const revoked = dataOf(await graph.request(revokeMutation, { input: { invitationId: sent.id } }, admin.token)).revokeInvitation.invitation;

  const guest = await signUp(graph, 'Accepting Guest');
  const { invitationId: acceptedId, token } = await invite(graph, admin.token, projectId, guest.email, roles.externalAssignee);
  const placement = await accept(graph, guest, token);

  await addProjectMember(graph, admin.token, projectId, member.id);
  expect(dataOf(await graph.request(removeMemberMutation, { input: { projectId, accountId: member.id } }, admin.token)).removeProjectMember.userErrors).toEqual([]);
  dataOf(await graph.request(settingMutation, { input: { workspaceId: admin.ownWorkspaceId, enabled: false } }, admin.token));

  const events = await auditEvents(admin);
  const times = events.map((event) => Date.parse(event.occurredAt));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(events.map((event) => event.action)).toEqual([
    'EXTERNAL_INVITATIONS_SWITCHED',
    'MEMBER_REMOVED',
    'MEMBER_ADDED',
    'INVITATION_ACCEPTED',
    'INVITATION_SENT',
    'INVITATION_REVOKED',
    'INVITATION_RESENT',
    'INVITATION_SENT',
  ]);
  const project = { id: projectId, name: 'Recorder project' };
  const [switched, removed, added, accepted, sentSecond, revokedEvent, resentEvent, sentFirst] = events;

  expect(sentFirst).toMatchObject({
    actor: { id: admin.id },
    project,
    targetAccount: null,
    targetEmail: 'first.guest@client.example',
    targetId: sent.id,
    before: null,
    after: { email: 'first.guest@client.example', roleId: roles.externalCollaborator, expiresAt: sent.expiresAt },
  });
  expect(resentEvent).toMatchObject({
    actor: { id: admin.id },
    targetId: sent.id,
    before: { expiresAt: sent.expiresAt, sentCount: 1 },
    after: { expiresAt: resent.expiresAt, sentCount: 2 },
  });
  expect(revokedEvent).toMatchObject({ actor: { id: admin.id }, targetId: sent.id, before: { revokedAt: null }, after: { revokedAt: revoked.revokedAt } });
  expect(sentSecond).toMatchObject({ actor: { id: admin.id }, targetEmail: guest.email, targetId: acceptedId, after: { roleId: roles.externalAssignee } });
  expect(accepted).toMatchObject({
    actor: { id: guest.id },
    project,
    targetAccount: { id: guest.id },
    targetEmail: guest.email,
    targetId: acceptedId,
    before: null,
    after: { placementWorkspaceId: placement, roleId: roles.externalAssignee },
  });
  expect(added).toMatchObject({ actor: { id: admin.id }, project, targetAccount: { id: member.id }, after: { roleId: roles.editor, isExternal: false } });
  expect(removed).toMatchObject({ actor: { id: admin.id }, project, targetAccount: { id: member.id }, before: { roleId: roles.editor, isExternal: false }, after: null });
  expect(switched).toMatchObject({
    actor: { id: admin.id },
    project: null,
    targetAccount: null,
    targetEmail: null,
    targetId: null,
    before: { enabled: true },
    after: { enabled: false },
  });
});

test('expired invitation replacement has no actor', async () => {
  const { admin, projectId } = await hostWorkspace('Replacer');
  const email = 'late.reader@client.example';
  const { invitationId: expiredId } = await invite(graph, admin.token, projectId, email);
  await graph.database.db.update(invitations).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(invitations.id, expiredId));
  const { invitationId: newId } = await invite(graph, admin.token, projectId, email);

  const events = await auditEvents(admin, { actions: ['INVITATION_REVOKED'] });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ actor: null, targetEmail: email, targetId: expiredId, before: { revokedAt: null }, after: { revokedAt: expect.any(String) } });
  const sent = await auditEvents(admin, { actions: ['INVITATION_SENT'] });
  expect(sent.map((event) => event.targetId)).toEqual(expect.arrayContaining([expiredId, newId]));
});

test('mutations that return user errors or change nothing record nothing', async () => {
  const { admin, member, projectId } = await hostWorkspace('Failing');
  const guest = await signUp(graph, 'Failing Guest');
  const { invitationId, token } = await invite(graph, admin.token, projectId, guest.email);
  await accept(graph, guest, token);
  const before = await auditEvents(admin);

  const invited = dataOf(await graph.request(inviteMutation, { input: { projectId, email: guest.email, roleId: roles.externalCollaborator } }, admin.token));
  expectUserError(invited.inviteExternalMember, 'invitation', 'ALREADY_PROJECT_MEMBER', ['input', 'email']);
  const wrongRole = dataOf(await graph.request(inviteMutation, { input: { projectId, email: 'x@client.example', roleId: roles.editor } }, admin.token));
  expectUserError(wrongRole.inviteExternalMember, 'invitation', 'ROLE_NOT_FOR_EXTERNALS', ['input', 'roleId']);
  const revoked = dataOf(await graph.request(revokeMutation, { input: { invitationId } }, admin.token));
  expectUserError(revoked.revokeInvitation, 'invitation', 'INVITATION_ALREADY_ACCEPTED', ['input', 'invitationId']);
  const resent = dataOf(await graph.request(resendMutation, { input: { invitationId } }, admin.token));
  expectUserError(resent.resendInvitation, 'invitation', 'INVITATION_ALREADY_ACCEPTED', ['input', 'invitationId']);
  const acceptedAgain = await graph.request(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { userErrors { code } } }`, { input: { token } }, guest.token);
  expect(dataOf(acceptedAgain).acceptInvitation.userErrors).toEqual([]);
  const added = dataOf(await graph.request(addMemberMutation, { input: { projectId, accountId: guest.id } }, admin.token));
  expectUserError(added.addProjectMember, 'project', 'NOT_A_WORKSPACE_MEMBER', ['input', 'accountId']);
  const removed = dataOf(await graph.request(removeMemberMutation, { input: { projectId, accountId: member.id } }, admin.token));
  expectUserError(removed.removeProjectMember, 'project', 'NOT_A_PROJECT_MEMBER', ['input', 'accountId']);
  // Setting the value the workspace already has changes nothing.
  dataOf(await graph.request(settingMutation, { input: { workspaceId: admin.ownWorkspaceId, enabled: true } }, admin.token));
  singleErrorOf(await graph.request(settingMutation, { input: { workspaceId: admin.ownWorkspaceId, enabled: false } }, member.token), 'FORBIDDEN');

  expect(await auditEvents(admin)).toEqual(before);
});

test('filters and pagination', async () => {
  const { admin, member, projectId } = await hostWorkspace('Paging');
  const otherProject = await createProject(graph, admin.token, 'Paging other');
  await addProjectMember(graph, admin.token, projectId, member.id);
  const start = new Date().toISOString();
  await addProjectMember(graph, admin.token, otherProject, member.id);
  for (let index = 0; index < 3; index += 1) await invite(graph, admin.token, projectId, `paged.${index}@client.example`);
  dataOf(await graph.request(settingMutation, { input: { workspaceId: admin.ownWorkspaceId, enabled: false } }, admin.token));
  const all = await auditEvents(admin);
  expect(all).toHaveLength(6);

  expect((await auditEvents(admin, { actions: ['MEMBER_ADDED', 'EXTERNAL_INVITATIONS_SWITCHED'] })).map((event) => event.action)).toEqual([
    'EXTERNAL_INVITATIONS_SWITCHED',
    'MEMBER_ADDED',
    'MEMBER_ADDED',
  ]);
  expect(await auditEvents(admin, { actions: [] })).toEqual([]);
  expect((await auditEvents(admin, { projectId: otherProject })).map((event) => event.action)).toEqual(['MEMBER_ADDED']);
  expect(await auditEvents(admin, { targetAccountId: member.id })).toHaveLength(2);
  expect(await auditEvents(admin, { actorId: admin.id })).toHaveLength(6);
  expect(await auditEvents(admin, { actorId: member.id })).toEqual([]);
  const fromStart = await auditEvents(admin, { from: start });
  expect(fromStart.map((event) => event.id)).toEqual(all.slice(0, 5).map((event) => event.id));
  const untilStart = await auditEvents(admin, { to: start });
  expect(untilStart.map((event) => event.id)).toEqual([all[5].id]);

  // Two events per page, then the rest, in the order of the whole list.
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page: any = await auditLog(admin, { first: 2, after });
    pages += 1;
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.edges.map((edge: any) => edge.node.id)).toEqual(page.nodes.map((node: any) => node.id));
    seen.push(...page.nodes.map((node: any) => node.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  expect(pages).toBe(3);
  expect(seen).toEqual(all.map((event) => event.id));

  // A cursor belongs to one workspace's list under one filter.
  const firstPage = await auditLog(admin, { first: 1 });
  const cursor = firstPage.pageInfo.endCursor;
  singleErrorOf(await graph.request(auditQuery, { first: 1, after: cursor, filter: { actions: ['MEMBER_ADDED'] } }, admin.token), 'BAD_USER_INPUT');
  const other = await signUp(graph, 'Other Pager');
  await invite(graph, other.token, await createProject(graph, other.token, 'Other pager project'), 'someone@client.example');
  singleErrorOf(await graph.request(auditQuery, { first: 1, after: cursor }, other.token), 'BAD_USER_INPUT');
  for (const bad of ['', 'not a cursor', Buffer.from('auditEvent|x|2026-02-30T00:00:00.000000|00000000-0000-4000-8000-000000000001').toString('base64url')]) {
    singleErrorOf(await graph.request(auditQuery, { first: 1, after: bad }, admin.token), 'BAD_USER_INPUT');
  }
  for (const first of [0, 101, -1]) singleErrorOf(await graph.request(auditQuery, { first }, admin.token), 'BAD_USER_INPUT');
  singleErrorOf(await graph.request(auditQuery, { first: 1, filter: { projectId: 'nope' } }, admin.token), 'BAD_USER_INPUT');
});

test('only admins of the workspace read its audit log', async () => {
  const { admin, member, projectId } = await hostWorkspace('Guarded');
  const secondAdmin = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Guarded Co-admin', 'ADMIN');
  const guest = await signUp(graph, 'Guarded Guest');
  await accept(graph, guest, (await invite(graph, admin.token, projectId, guest.email)).token);
  expect(await auditEvents(secondAdmin)).toHaveLength(2);

  const memberResponse = await graph.request(auditQuery, { first: 10 }, member.token);
  singleErrorOf(memberResponse, 'FORBIDDEN');
  expect(memberResponse.data?.viewer.currentWorkspace.auditLog).toBeNull();

  // The external member reaches the host workspace through the project.
  const throughProject = `query($id: ID!) { project(id: $id) { hostWorkspace { id auditLog { nodes { id } } } } }`;
  const guestResponse = await graph.request(throughProject, { id: projectId }, guest.token);
  singleErrorOf(guestResponse, 'FORBIDDEN');
  expect(guestResponse.data?.project.hostWorkspace).toEqual({ id: admin.ownWorkspaceId, auditLog: null });
  // The guest is admin of their own workspace, whose log contains none of the host's events.
  expect(await auditEvents(guest)).toEqual([]);

  // An admin of another workspace who requests the host workspace from the sharing subgraph directly gets FORBIDDEN too.
  const viewer = { accountId: guest.id, sessionId: jwtClaims(guest.token).sid as string, workspaceId: guest.ownWorkspaceId };
  const entities = await postSignedToSubgraph(graph, 'sharing', entitiesBody([{ __typename: 'Workspace', id: admin.ownWorkspaceId }], '... on Workspace { auditLog { nodes { id } } }'), viewer);
  expect(entities.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(JSON.stringify(entities.data)).not.toContain(projectId);

  // Without a token there is no viewer, so no workspace to reach the log through.
  expect(dataOf(await graph.request(auditQuery, { first: 10 })).viewer).toBeNull();
});

test('the statement count of a page does not grow with its events', async () => {
  const { admin, projectId } = await hostWorkspace('Counting');
  const measure = async () => {
    const { response, statements } = await countStatements(graph, auditQuery, { first: 100 }, admin.token);
    const data = dataOf(response);
    return { statements, events: data.viewer.currentWorkspace.auditLog.nodes.length };
  };
  await invite(graph, admin.token, projectId, 'count.0@client.example');
  const few = await measure();
  const projects = [projectId, await createProject(graph, admin.token, 'Counting second'), await createProject(graph, admin.token, 'Counting third')];
  for (let index = 1; index <= 12; index += 1) await invite(graph, admin.token, projects[index % 3]!, `count.${index}@client.example`);
  dataOf(await graph.request(settingMutation, { input: { workspaceId: admin.ownWorkspaceId, enabled: false } }, admin.token));
  const many = await measure();
  expect(few.events).toBe(1);
  expect(many.events).toBe(14);
  expect(many.statements).toBe(few.statements);
  console.info(`audit log page statements (${graph.database.driver}): ${few.statements} for ${few.events} event, ${many.statements} for ${many.events} events`);
});
