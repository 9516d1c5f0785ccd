import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rowsOf } from '../db/client.js';
import { invitations, mailOutbox, projectMembers } from '../db/sharing/schema.js';
import { hashInvitationToken } from '../subgraphs/common/invitation-token.js';
import { createLogger } from '../subgraphs/common/logger.js';
import { defaultMailFrom, parseSingleAddress } from '../subgraphs/common/mail/settings.js';
import { startMailWorker } from '../subgraphs/common/mail/worker.js';
import { sharingOutbox } from '../subgraphs/sharing/outbox.js';
import { archiveProject, assignTask, createProject, createTask, dataOf, expectUserError, singleErrorOf, signUp, type TestAccount } from './builders.js';
import { entitiesBody, postSignedToSubgraph } from './fixtures.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from './harness.js';
import { accept, acceptMutation, invite, inviteMutation, roles } from './sharing-builders.js';
import { logTime, viewerOf } from './time-builders.js';

// Attacks on external sharing: visibility, the invitation life cycle, races and hostile input.
// Each test creates its own project, so tests do not depend on each other's data.

let graph: TestGraph;
let host: TestAccount;

beforeAll(async () => {
  graph = await startTestGraph();
  host = await signUp(graph, 'Hostile Host');
});
afterAll(() => graph?.close());

const revokeMutation = `mutation($input: InvitationIdInput!) { revokeInvitation(input: $input) { invitation { id status } userErrors { code field } } }`;
const resendMutation = `mutation($input: InvitationIdInput!) { resendInvitation(input: $input) { invitation { id status sentCount } userErrors { code field } } }`;
const previewQuery = `query($token: String!) { invitationPreview(token: $token) { email projectName } }`;
const signUpMutation = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken userErrors { code field } } }`;

let emailCounter = 0;
/** Returns an address that no account and no invitation uses yet. */
function freshEmail(label: string): string {
  emailCounter += 1;
  return `${label}.${emailCounter}.${Date.now()}@outside.example`;
}

function codesOf(response: GraphQLResponse): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

async function membershipRows(projectId: string, accountId: string) {
  return graph.database.db
    .select()
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.accountId, accountId)));
}

// ---------------------------------------------------------------------------------------------
// Findings: these tests fail while the bugs they describe remain.
// ---------------------------------------------------------------------------------------------

test('invite rejects mail-unsafe addresses as INVALID_INPUT', async () => {
  const projectId = await createProject(graph, host.token, 'Odd addresses');
  // Each passes checkEmail, but the mail outbox's address parser reads it as a list, a group, or a quoted name.
  const addresses = ['first,second@outside.example', 'first;second@outside.example', 'team:member@outside.example', 'quo"te@outside.example'];
  const outcomes = [];
  for (const email of addresses) {
    const response = await graph.request(inviteMutation, { input: { projectId, email, roleId: roles.externalCollaborator } }, host.token);
    outcomes.push({ email, errors: codesOf(response), userErrors: response.data?.inviteExternalMember?.userErrors?.map((problem: { code: string }) => problem.code) ?? null });
  }
  expect(outcomes).toEqual(addresses.map((email) => ({ email, errors: [], userErrors: ['INVALID_INPUT'] })));
});

test('invitation mail reaches only the invitee', async () => {
  const projectId = await createProject(graph, host.token, 'Misdirected mail');
  // The invitation is stored for the whole text, while the mailer reads "boss" as a display name.
  const email = 'boss<mallory@evil.example';
  const data = dataOf(await graph.request(inviteMutation, { input: { projectId, email, roleId: roles.externalCollaborator } }, host.token));
  if (data.inviteExternalMember.userErrors.length > 0) {
    expectUserError(data.inviteExternalMember, 'invitation', 'INVALID_INPUT', ['input', 'email']);
    return;
  }
  const stored = data.inviteExternalMember.invitation.email as string;
  const [mail] = await graph.database.db.select({ recipient: mailOutbox.recipient }).from(mailOutbox).where(eq(mailOutbox.recipient, stored));
  expect(parseSingleAddress(mail!.recipient)).toBe(stored);
});

test('sent invitation mail keeps no token', async () => {
  const projectId = await createProject(graph, host.token, 'Dump safety');
  const email = freshEmail('dump');
  const { token } = await invite(graph, host.token, projectId, email);

  const directory = await mkdtemp(join(tmpdir(), 'tandem-attack-mail-'));
  const log = createLogger('attack-test');
  log.level = 'silent';
  const worker = startMailWorker({ db: graph.database.db, outbox: sharingOutbox, settings: { kind: 'file', directory, from: defaultMailFrom }, log, pollIntervalMs: 3_600_000 });
  try {
    await worker.drain();
    const files = await readdir(directory);
    const bodies = await Promise.all(files.map((file) => readFile(join(directory, file), 'utf8')));
    expect(bodies.some((body) => body.includes(token)), 'the e-mail was delivered').toBe(true);
  } finally {
    await worker.stop();
    await rm(directory, { recursive: true, force: true });
  }

  // The e-mail was delivered, so the database should now contain only the token's hash, as invitation-token.ts states.
  const [sent] = await graph.database.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, email));
  expect(sent!.sentAt).not.toBeNull();
  expect(`${sent!.textBody}\n${sent!.htmlBody}`).not.toContain(token);
});

// ---------------------------------------------------------------------------------------------
// Attacks that held: these pass today and guard against regressions.
// ---------------------------------------------------------------------------------------------

test('external assignee limited on every path', async () => {
  const projectId = await createProject(graph, host.token, 'Assignee paths');
  const assignedTask = await createTask(graph, host.token, { projectId, title: 'Assigned job' });
  const hiddenTask = await createTask(graph, host.token, { projectId, title: 'Secret job' });
  const assignee = await signUp(graph, 'Ava Assignee');
  await accept(graph, assignee, (await invite(graph, host.token, projectId, assignee.email, roles.externalAssignee)).token);
  await assignTask(graph, host.token, assignedTask, assignee.id);

  const hostOnAssigned = await logTime(graph, host.token, { taskId: assignedTask, entryDate: '2026-01-05', durationMinutes: 30 });
  const hostOnHidden = await logTime(graph, host.token, { taskId: hiddenTask, entryDate: '2026-01-05', durationMinutes: 45 });
  const own = await logTime(graph, assignee.token, { taskId: assignedTask, entryDate: '2026-01-06', durationMinutes: 15 });

  const view = dataOf(
    await graph.request(
      `query($id: ID!, $hiddenTask: ID!) {
        project(id: $id) {
          tasks(first: 50) { totalCount nodes { id } edges { node { id } } }
          timeEntries(first: 50) { totalCount nodes { id task { id } } }
        }
        task(id: $hiddenTask) { id }
        myTimeEntries(first: 50) { totalCount nodes { id task { id title } } }
      }`,
      { id: projectId, hiddenTask },
      assignee.token,
    ),
  );
  expect(view.project.tasks).toEqual({ totalCount: 1, nodes: [{ id: assignedTask }], edges: [{ node: { id: assignedTask } }] });
  expect(view.project.timeEntries).toEqual({ totalCount: 1, nodes: [{ id: own, task: { id: assignedTask } }] });
  expect(view.task).toBeNull();
  expect(view.myTimeEntries).toEqual({ totalCount: 1, nodes: [{ id: own, task: { id: assignedTask, title: 'Assigned job' } }] });

  // Straight to the work subgraph, as the gateway would ask for entities.
  const entities = await postSignedToSubgraph(
    graph,
    'work',
    entitiesBody(
      [
        { __typename: 'Task', id: hiddenTask },
        { __typename: 'TimeEntry', id: hostOnHidden },
        { __typename: 'TimeEntry', id: hostOnAssigned },
      ],
      '... on Task { id title } ... on TimeEntry { id }',
    ),
    viewerOf(assignee),
  );
  expect(entities.data?._entities).toEqual([null, null, null]);

  singleErrorOf(
    await graph.request(`mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { id } } }`, { input: { taskId: hiddenTask, entryDate: '2026-01-06', durationMinutes: 5 } }, assignee.token),
    'FORBIDDEN',
  );

  // Unassigning takes the task and the entries on it away at once.
  dataOf(await graph.request(`mutation($input: TaskAssigneeInput!) { unassignTask(input: $input) { userErrors { code } } }`, { input: { taskId: assignedTask, accountId: assignee.id } }, host.token));
  const after = dataOf(
    await graph.request(
      `query($id: ID!, $assignedTask: ID!) { project(id: $id) { tasks(first: 50) { totalCount nodes { id } } timeEntries(first: 50) { totalCount } } task(id: $assignedTask) { id } myTimeEntries(first: 50) { totalCount nodes { id } } }`,
      { id: projectId, assignedTask },
      assignee.token,
    ),
  );
  expect(after).toEqual({ project: { tasks: { totalCount: 0, nodes: [] }, timeEntries: { totalCount: 0 } }, task: null, myTimeEntries: { totalCount: 0, nodes: [] } });
});

test('external member reads no other host data', async () => {
  const projectId = await createProject(graph, host.token, 'Shared only');
  const other = await createProject(graph, host.token, 'Host internal');
  const colleague = await signUp(graph, 'Host Colleague');
  dataOf(
    await graph.request(
      `mutation($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { userErrors { code } } }`,
      { input: { workspaceId: host.ownWorkspaceId, email: colleague.email, role: 'MEMBER' } },
      host.token,
    ),
  );
  const outsider = await signUp(graph, 'Olga Outsider');
  await accept(graph, outsider, (await invite(graph, host.token, projectId, outsider.email)).token);

  expect(dataOf(await graph.request(`query($id: ID!) { project(id: $id) { id } }`, { id: other }, outsider.token)).project).toBeNull();

  const sharing = await postSignedToSubgraph(
    graph,
    'sharing',
    entitiesBody([{ __typename: 'Project', id: other }], '... on Project { id name }'),
    viewerOf(outsider),
  );
  expect(sharing.data?._entities).toEqual([null]);
  const work = await postSignedToSubgraph(graph, 'work', entitiesBody([{ __typename: 'Project', id: other }], '... on Project { id }'), viewerOf(outsider));
  expect(work.data?._entities).toEqual([null]);

  const hostWorkspace = await graph.request(
    `query($id: ID!) { project(id: $id) { hostWorkspace { name members { account { id } } projects { id } externalProjects { id } projectRoles { id } plan externalInvitationsEnabled } } }`,
    { id: projectId },
    outsider.token,
  );
  expect(hostWorkspace.data?.project.hostWorkspace.name).toBe("Hostile Host's workspace");
  expect(hostWorkspace.errors?.map((error) => [error.path?.slice(2).join('.'), error.extensions?.code]).sort()).toEqual(
    [
      ['externalInvitationsEnabled', 'FORBIDDEN'],
      ['externalProjects', 'FORBIDDEN'],
      ['members', 'FORBIDDEN'],
      ['plan', 'FORBIDDEN'],
      ['projectRoles', 'FORBIDDEN'],
      ['projects', 'FORBIDDEN'],
    ].sort(),
  );

  // The e-mail address of a host colleague outside the project stays secret.
  const account = await postSignedToSubgraph(graph, 'identity', entitiesBody([{ __typename: 'Account', id: colleague.id }], '... on Account { id email }'), viewerOf(outsider));
  expect(account.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
});

test('external member cannot manage the project', async () => {
  const projectId = await createProject(graph, host.token, 'Locked settings');
  const outsider = await signUp(graph, 'Ed External');
  await accept(graph, outsider, (await invite(graph, host.token, projectId, outsider.email)).token);
  const { invitationId } = await invite(graph, host.token, projectId, freshEmail('pending'));

  const attempts: [string, Record<string, unknown>][] = [
    [`mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { id } } }`, { projectId, name: 'Taken over' }],
    [`mutation($input: ProjectIdInput!) { archiveProject(input: $input) { project { id } } }`, { projectId }],
    [`mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { project { id } } }`, { projectId, accountId: host.id }],
    [`mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { project { id } } }`, { projectId, accountId: outsider.id }],
    [inviteMutation, { projectId, email: freshEmail('friend'), roleId: roles.externalAssignee }],
    [resendMutation, { invitationId }],
    [revokeMutation, { invitationId }],
  ];
  for (const [mutation, input] of attempts) {
    singleErrorOf(await graph.request(mutation, { input }, outsider.token), 'FORBIDDEN');
  }
  const [row] = await graph.database.db.select().from(invitations).where(eq(invitations.id, invitationId));
  expect(row).toMatchObject({ revokedAt: null, sentCount: 1 });
});

test('foreign invitation IDs are forbidden', async () => {
  const rival = await signUp(graph, 'Rita Rival');
  const rivalProject = await createProject(graph, rival.token, 'Rival project');
  const { invitationId, token } = await invite(graph, rival.token, rivalProject, freshEmail('rival.guest'));

  for (const mutation of [resendMutation, revokeMutation]) {
    singleErrorOf(await graph.request(mutation, { input: { invitationId } }, host.token), 'FORBIDDEN');
    // An ID that names no invitation gets the same error, so the error reveals nothing.
    singleErrorOf(await graph.request(mutation, { input: { invitationId: '0f0f0f0f-0000-4000-8000-000000000000' } }, host.token), 'FORBIDDEN');
    singleErrorOf(await graph.request(mutation, { input: { invitationId: 'not-an-id' } }, host.token), 'BAD_USER_INPUT');
  }
  expect(dataOf(await graph.request(previewQuery, { token })).invitationPreview.projectName).toBe('Rival project');
});

test('a stolen token does not join', async () => {
  const projectId = await createProject(graph, host.token, 'Token theft');
  const victim = await signUp(graph, 'Vic Victim');
  const thief = await signUp(graph, 'Theo Thief');
  const { token } = await invite(graph, host.token, projectId, victim.email);

  const stolen = dataOf(await graph.request(acceptMutation, { input: { token } }, thief.token));
  expectUserError(stolen.acceptInvitation, 'project', 'INVITATION_EMAIL_MISMATCH', ['input', 'token']);
  const signedUp = dataOf(await graph.request(signUpMutation, { input: { name: 'Theo Again', email: freshEmail('thief'), password: 'long enough password', invitationToken: token } }));
  expect(signedUp.signUp.userErrors).toEqual([{ code: 'INVITATION_EMAIL_MISMATCH', field: ['input', 'email'] }]);
  expect(await membershipRows(projectId, thief.id)).toEqual([]);

  // The failed attempts did not use up the link, so the victim can still accept.
  await accept(graph, victim, token);
});

test('placement is final', async () => {
  const projectId = await createProject(graph, host.token, 'Final placement');
  const invitee = await signUp(graph, 'Pia Placement');
  const second = dataOf(
    await graph.request(`mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } userErrors { code } } }`, { input: { name: 'Second home' } }, invitee.token),
  ).createWorkspace.workspace.id as string;
  const { token } = await invite(graph, host.token, projectId, invitee.email);
  expect(await accept(graph, invitee, token, invitee.ownWorkspaceId)).toBe(invitee.ownWorkspaceId);

  const again = dataOf(await graph.request(acceptMutation, { input: { token, placementWorkspaceId: second } }, invitee.token));
  expect(again.acceptInvitation).toMatchObject({ placementWorkspace: { id: invitee.ownWorkspaceId }, userErrors: [] });
  const overview = dataOf(
    await graph.request(`{ viewer { workspaces { id externalProjects { id } } } }`, {}, invitee.token),
  ).viewer.workspaces as { id: string; externalProjects: { id: string }[] }[];
  expect(Object.fromEntries(overview.map((workspace) => [workspace.id, workspace.externalProjects.map((project) => project.id)]))).toEqual({
    [invitee.ownWorkspaceId]: [projectId],
    [second]: [],
  });
});

test('foreign placement workspace is rejected', async () => {
  const projectId = await createProject(graph, host.token, 'Foreign placement');
  const invitee = await signUp(graph, 'Nora Nomad');
  const { token } = await invite(graph, host.token, projectId, invitee.email);
  for (const placementWorkspaceId of [host.ownWorkspaceId, '0f0f0f0f-0000-4000-8000-000000000001']) {
    const data = dataOf(await graph.request(acceptMutation, { input: { token, placementWorkspaceId } }, invitee.token));
    expectUserError(data.acceptInvitation, 'project', 'WORKSPACE_NOT_FOUND', ['input', 'placementWorkspaceId']);
  }
  singleErrorOf(await graph.request(acceptMutation, { input: { token, placementWorkspaceId: 'workspace' } }, invitee.token), 'BAD_USER_INPUT');
  expect(await membershipRows(projectId, invitee.id)).toEqual([]);
});

test('expired and revoked links are dead', async () => {
  const projectId = await createProject(graph, host.token, 'Dead links');
  const late = await signUp(graph, 'Lee Late');
  const { invitationId: expiredId, token: expired } = await invite(graph, host.token, projectId, late.email);
  await graph.database.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expiredId));
  expectUserError(dataOf(await graph.request(acceptMutation, { input: { token: expired } }, late.token)).acceptInvitation, 'project', 'INVITATION_EXPIRED', ['input', 'token']);

  const revokedEmail = freshEmail('revoked');
  const { invitationId, token: revoked } = await invite(graph, host.token, projectId, revokedEmail);
  dataOf(await graph.request(revokeMutation, { input: { invitationId } }, host.token));
  const signedUp = dataOf(await graph.request(signUpMutation, { input: { name: 'Rex Revoked', email: revokedEmail, password: 'long enough password', invitationToken: revoked } }));
  expect(signedUp.signUp.userErrors).toEqual([{ code: 'INVITATION_NOT_FOUND', field: ['input', 'invitationToken'] }]);
  singleErrorOf(await graph.request(previewQuery, { token: revoked }), 'INVITATION_REVOKED');
  expect(await membershipRows(projectId, late.id)).toEqual([]);
});

test('removal ends external access at once', async () => {
  const projectId = await createProject(graph, host.token, 'Removal');
  const taskId = await createTask(graph, host.token, { projectId, title: 'Shared task' });
  const leaver = await signUp(graph, 'Liam Leaver');
  const { token } = await invite(graph, host.token, projectId, leaver.email);
  await accept(graph, leaver, token);
  const entry = await logTime(graph, leaver.token, { taskId, entryDate: '2026-02-02', durationMinutes: 20 });

  dataOf(await graph.request(`mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { userErrors { code } } }`, { input: { projectId, accountId: leaver.id } }, host.token));

  const view = dataOf(
    await graph.request(`query($id: ID!, $task: ID!) { project(id: $id) { id } task(id: $task) { id } myTimeEntries(first: 10) { totalCount nodes { id } } viewer { currentWorkspace { externalProjects { id } } } }`, { id: projectId, task: taskId }, leaver.token),
  );
  expect(view).toEqual({ project: null, task: null, myTimeEntries: { totalCount: 0, nodes: [] }, viewer: { currentWorkspace: { externalProjects: [] } } });
  const entities = await postSignedToSubgraph(graph, 'work', entitiesBody([{ __typename: 'TimeEntry', id: entry }, { __typename: 'Task', id: taskId }], '... on TimeEntry { id } ... on Task { id }'), viewerOf(leaver));
  expect(entities.data?._entities).toEqual([null, null]);
  singleErrorOf(await graph.request(`mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { id } } }`, { input: { taskId, entryDate: '2026-02-03', durationMinutes: 5 } }, leaver.token), 'FORBIDDEN');

  // The old link does not bring them back.
  expectUserError(dataOf(await graph.request(acceptMutation, { input: { token } }, leaver.token)).acceptInvitation, 'project', 'INVITATION_ALREADY_ACCEPTED', ['input', 'token']);
  expect(await membershipRows(projectId, leaver.id)).toEqual([]);
});

test('pending invitee gets no tasks or time', async () => {
  const projectId = await createProject(graph, host.token, 'Not yet');
  const taskId = await createTask(graph, host.token, { projectId, title: 'Waiting task' });
  const invitee = await signUp(graph, 'Ike Invitee');
  await invite(graph, host.token, projectId, invitee.email);

  const assigned = dataOf(await graph.request(`mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id } userErrors { code field message } } }`, { input: { taskId, accountId: invitee.id } }, host.token));
  expectUserError(assigned.assignTask, 'task', 'NOT_A_PROJECT_MEMBER', ['input', 'accountId']);
  const logged = dataOf(
    await graph.request(`mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { id } userErrors { code field message } } }`, { input: { taskId, accountId: invitee.id, entryDate: '2026-03-01', durationMinutes: 10 } }, host.token),
  );
  expectUserError(logged.logTime, 'timeEntry', 'NOT_A_PROJECT_MEMBER', ['input', 'accountId']);
});

test('concurrent invites leave one invitation', async () => {
  const projectId = await createProject(graph, host.token, 'Invite race');
  const email = freshEmail('race');
  const spellings = [email, email.toUpperCase(), ` ${email} `, email, email.toUpperCase(), email];
  const responses = await Promise.all(spellings.map((spelling) => graph.request(inviteMutation, { input: { projectId, email: spelling, roleId: roles.externalAssignee } }, host.token)));
  const codes = responses.map((response) => {
    expect(response.errors).toBeUndefined();
    return response.data.inviteExternalMember.userErrors.map((problem: { code: string }) => problem.code).join() || 'OK';
  });
  expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
  expect(codes.filter((code) => code !== 'OK')).toEqual(Array(spellings.length - 1).fill('ALREADY_INVITED'));
  const open = await graph.database.db.select().from(invitations).where(and(eq(invitations.projectId, projectId), isNull(invitations.revokedAt)));
  expect(open).toHaveLength(1);
});

test('concurrent accept and revoke: one outcome', async () => {
  for (let round = 0; round < 3; round += 1) {
    const projectId = await createProject(graph, host.token, `Accept or revoke ${round}`);
    const invitee = await signUp(graph, 'Rae Racer');
    const { invitationId, token } = await invite(graph, host.token, projectId, invitee.email);
    const [accepted, revoked] = await Promise.all([
      graph.request(acceptMutation, { input: { token } }, invitee.token),
      graph.request(revokeMutation, { input: { invitationId } }, host.token),
    ]);
    expect(codesOf(accepted)).toEqual([]);
    expect(codesOf(revoked)).toEqual([]);
    const joined = accepted.data.acceptInvitation.userErrors.length === 0;
    const withdrawn = revoked.data.revokeInvitation.userErrors.length === 0;
    expect(joined !== withdrawn, JSON.stringify({ accepted: accepted.data, revoked: revoked.data })).toBe(true);
    expect(await membershipRows(projectId, invitee.id)).toHaveLength(joined ? 1 : 0);
    const [row] = await graph.database.db.select().from(invitations).where(eq(invitations.id, invitationId));
    expect(row!.acceptedAt !== null).toBe(joined);
    expect(row!.revokedAt !== null).toBe(withdrawn);
  }
});

test('concurrent resends keep only newest link', async () => {
  const projectId = await createProject(graph, host.token, 'Resend race');
  const email = freshEmail('resend');
  const { invitationId, token: first } = await invite(graph, host.token, projectId, email);
  const responses = await Promise.all([1, 2, 3].map(() => graph.request(resendMutation, { input: { invitationId } }, host.token)));
  for (const response of responses) expect(response.data?.resendInvitation.userErrors).toEqual([]);

  const [row] = await graph.database.db.select().from(invitations).where(eq(invitations.id, invitationId));
  expect(row!.sentCount).toBe(4);
  const mails = await graph.database.db.select({ text: mailOutbox.textBody }).from(mailOutbox).where(eq(mailOutbox.recipient, email));
  const tokens = mails.map((mail) => /\/invitations\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!);
  expect(new Set(tokens).size).toBe(4);
  expect(tokens).toContain(first);
  const working = [];
  for (const token of tokens) {
    const response = await graph.request(previewQuery, { token });
    if (!response.errors) working.push(token);
    else expect(codesOf(response)).toEqual(['INVITATION_NOT_FOUND']);
  }
  // Outbox rows carry their transaction's start time, so the newest row need not hold the working token.
  expect(working).toHaveLength(1);
  expect(hashInvitationToken(working[0]!)).toBe(row!.tokenHash);
});

test('concurrent accepts make one membership', async () => {
  const projectId = await createProject(graph, host.token, 'Double accept');
  const invitee = await signUp(graph, 'Dee Double');
  const { token } = await invite(graph, host.token, projectId, invitee.email);
  const responses = await Promise.all([1, 2, 3, 4].map(() => graph.request(acceptMutation, { input: { token } }, invitee.token)));
  for (const response of responses) {
    expect(codesOf(response)).toEqual([]);
    expect(response.data.acceptInvitation).toMatchObject({ project: { id: projectId }, placementWorkspace: { id: invitee.ownWorkspaceId }, userErrors: [] });
  }
  expect(await membershipRows(projectId, invitee.id)).toHaveLength(1);
});

test('hostile invitation input gets user errors', async () => {
  const projectId = await createProject(graph, host.token, 'Hostile input');
  const otherProject = await createProject(graph, (await signUp(graph, 'Stranger Host')).token, 'Not yours');
  const invitee = await signUp(graph, 'Una Unicode');

  const invites: [Record<string, unknown>, string][] = [
    [{ projectId, email: `${'a'.repeat(100_000)}@outside.example`, roleId: roles.externalCollaborator }, 'INVALID_INPUT'],
    [{ projectId, email: 'zero\u0000byte@outside.example', roleId: roles.externalCollaborator }, 'INVALID_INPUT'],
    [{ projectId, email: 'line\u2028break@outside.example', roleId: roles.externalCollaborator }, 'INVALID_INPUT'],
    // A direction override can make one address look like another.
    [{ projectId, email: 'bidi\u202e@outside.example', roleId: roles.externalCollaborator }, 'INVALID_INPUT'],
    [{ projectId, email: 'ünïcödé@exämple.example', roleId: roles.externalCollaborator }, 'OK'],
    [{ projectId, email: freshEmail('role'), roleId: '0f0f0f0f-0000-4000-8000-000000000002' }, 'ROLE_NOT_FOR_EXTERNALS'],
  ];
  for (const [input, expected] of invites) {
    const response = await graph.request(inviteMutation, { input }, host.token);
    expect(codesOf(response), JSON.stringify(input).slice(0, 80)).toEqual([]);
    const code = response.data.inviteExternalMember.userErrors[0]?.code ?? 'OK';
    expect(code, JSON.stringify(input).slice(0, 80)).toBe(expected);
  }
  singleErrorOf(await graph.request(inviteMutation, { input: { projectId: otherProject, email: freshEmail('x'), roleId: roles.externalCollaborator } }, host.token), 'FORBIDDEN');
  singleErrorOf(await graph.request(inviteMutation, { input: { projectId: 'project', email: freshEmail('x'), roleId: roles.externalCollaborator } }, host.token), 'BAD_USER_INPUT');

  for (const token of ['', 'x'.repeat(100_000), '\u0000'.repeat(43), 'é'.repeat(43), 'A'.repeat(43)]) {
    const accepted = await graph.request(acceptMutation, { input: { token } }, invitee.token);
    expect(codesOf(accepted)).toEqual([]);
    expectUserError(accepted.data.acceptInvitation, 'project', 'INVITATION_NOT_FOUND', ['input', 'token']);
    singleErrorOf(await graph.request(previewQuery, { token }), 'INVITATION_NOT_FOUND');
  }
});

test('accept adds no member to archived project', async () => {
  const projectId = await createProject(graph, host.token, 'Archived later');
  const invitee = await signUp(graph, 'Arch Ivist');
  const { token } = await invite(graph, host.token, projectId, invitee.email);
  await archiveProject(graph, host.token, projectId);
  // addProjectMember rejects new members of an archived project, and accepting adds a member too.
  const data = dataOf(await graph.request(acceptMutation, { input: { token } }, invitee.token));
  expect(data.acceptInvitation.userErrors.map((problem: { code: string }) => problem.code)).toEqual(['PROJECT_ARCHIVED']);
  expect(await membershipRows(projectId, invitee.id)).toEqual([]);
});

test('invitations table stores token hash only', async () => {
  const projectId = await createProject(graph, host.token, 'Hash only');
  const { token } = await invite(graph, host.token, projectId, freshEmail('hash'));
  const rows = rowsOf<Record<string, unknown>>(await graph.database.db.execute(sql`select * from sharing.invitations where project_id = ${projectId}`));
  expect(rows).toHaveLength(1);
  expect(JSON.stringify(rows)).not.toContain(token);
});
