import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { rowsOf as storedRows } from '../db/client.js';
import { defaultMailFrom } from '../subgraphs/common/mail/settings.js';
import { dropEndedMemberships, startNotificationWorker } from '../subgraphs/work/notification/outbox.js';
import { addProjectMember, assignTask, countStatements, createProject, createTask, dataOf, joinWorkspace, signUp, singleErrorOf, type TestAccount } from './builders.js';
import {
  followTask,
  notificationsOf,
  notificationSummary,
  pendingNotificationEmails,
  removeProjectMember,
  updateTaskStatus,
} from './collaboration-builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { accept, invite, roles } from './sharing-builders.js';
import { logTime } from './time-builders.js';

let graph: TestGraph;
/** Admin of the host workspace and creator of the project. */
let admin: TestAccount;
/** Internal project member (built-in Editor). */
let editor: TestAccount;
/** External collaborator, whose role shows every task. */
let collaborator: TestAccount;
/** External assignee, whose role shows only the tasks assigned to them. */
let assignee: TestAccount;
let projectId: string;

const commentMutation = `mutation($input: CreateCommentInput!) { createComment(input: $input) { comment { id } userErrors { code field message } } }`;

async function comment(account: TestAccount, input: Record<string, unknown>): Promise<string> {
  const data = dataOf(await graph.request(commentMutation, { input }, account.token));
  expect(data.createComment.userErrors).toEqual([]);
  return data.createComment.comment.id;
}

/** Counts what the work subgraph still stores for an account: follows, notifications and unsent e-mails. */
async function rowsOf(accountId: string) {
  const result = await graph.database.db.execute(sql`select
    (select count(*)::int from work.task_follows where account_id = ${accountId}) as follows,
    (select count(*)::int from work.notifications where recipient_account_id = ${accountId}) as notifications,
    (select count(*)::int from work.mail_outbox where recipient_account_id = ${accountId} and sent_at is null) as emails`);
  return storedRows<{ follows: number; notifications: number; emails: number }>(result)[0]!;
}

async function markAllRead(account: TestAccount) {
  return dataOf(await graph.request('mutation { markAllNotificationsRead { markedCount unreadCount } }', {}, account.token)).markAllNotificationsRead;
}

beforeAll(async () => {
  graph = await startTestGraph();
  admin = await signUp(graph, 'Ada Admin');
  editor = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Eli Editor', 'MEMBER');
  projectId = await createProject(graph, admin.token, 'Relaunch');
  await addProjectMember(graph, admin.token, projectId, editor.id);
  collaborator = await signUp(graph, 'Cora Collab');
  await accept(graph, collaborator, (await invite(graph, admin.token, projectId, collaborator.email, roles.externalCollaborator)).token);
  assignee = await signUp(graph, 'Axel Assignee');
  await accept(graph, assignee, (await invite(graph, admin.token, projectId, assignee.email, roles.externalAssignee)).token);
});
afterAll(() => graph?.close());

beforeEach(async () => {
  for (const account of [admin, editor, collaborator, assignee]) await markAllRead(account);
});

describe('notifications', () => {
  test('assigning notifies the assignee, not the actor, and makes them follow', async () => {
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Hero image' });
    await assignTask(graph, admin.token, taskId, collaborator.id);
    await assignTask(graph, admin.token, taskId, admin.id);

    expect(await notificationSummary(graph, collaborator)).toContain(`ASSIGNED:${taskId}`);
    expect((await notificationsOf(graph, admin, { unreadOnly: true })).nodes).toEqual([]);
    const [latest] = (await notificationsOf(graph, collaborator)).nodes;
    expect(latest).toMatchObject({ kind: 'ASSIGNED', actor: { id: admin.id }, project: { id: projectId }, task: { id: taskId }, readAt: null });
    expect((await followTask(graph, collaborator, taskId, true)).task.followers.map((f: { id: string }) => f.id).sort()).toEqual([admin.id, collaborator.id].sort());
  });

  test("an external member's status change notifies the host's assignees and followers (SPEC 4.2)", async () => {
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Copy deck' });
    await assignTask(graph, admin.token, taskId, editor.id);
    await followTask(graph, admin, taskId);
    await updateTaskStatus(graph, collaborator, taskId, 'IN_PROGRESS');

    for (const account of [editor, admin]) {
      const [latest] = (await notificationsOf(graph, account)).nodes;
      expect(latest).toMatchObject({ kind: 'STATUS_CHANGED', actor: { id: collaborator.id }, task: { id: taskId }, status: 'IN_PROGRESS' });
    }
    expect(await notificationSummary(graph, collaborator)).not.toContain(`STATUS_CHANGED:${taskId}`);
  });

  test('comment notifies assignees, followers and mentioned', async () => {
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Press kit' });
    await assignTask(graph, admin.token, taskId, editor.id);
    await followTask(graph, collaborator, taskId);
    const commentId = await comment(admin, { taskId, body: 'Draft is up', mentionAccountIds: [collaborator.id] });

    expect((await notificationsOf(graph, editor)).nodes[0]).toMatchObject({ kind: 'COMMENTED', comment: { id: commentId }, task: { id: taskId } });
    const collaboratorList = (await notificationsOf(graph, collaborator)).nodes;
    expect(collaboratorList.filter((node: { comment: { id: string } | null }) => node.comment?.id === commentId).map((node: { kind: string }) => node.kind)).toEqual(['MENTIONED']);

    // The assigned-only external member gets the mention in a project comment, and none for a task hidden from them.
    await comment(editor, { projectId, body: 'Weekly sync moved', mentionAccountIds: [assignee.id] });
    await comment(editor, { taskId, body: 'Second draft', mentionAccountIds: [assignee.id] });
    expect(await notificationSummary(graph, assignee)).toEqual(['MENTIONED:project']);
  });

  test('an internal comment never notifies or e-mails an external member', async () => {
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Budget' });
    await assignTask(graph, admin.token, taskId, collaborator.id);
    await followTask(graph, admin, taskId);
    const before = (await pendingNotificationEmails(graph)).length;
    await markAllRead(collaborator);
    await comment(editor, { taskId, body: 'Margin is thin, keep it internal', isInternal: true });

    expect((await notificationsOf(graph, collaborator, { unreadOnly: true })).nodes).toEqual([]);
    expect((await notificationsOf(graph, admin)).nodes[0]).toMatchObject({ kind: 'COMMENTED', task: { id: taskId } });
    const emails = (await pendingNotificationEmails(graph)).slice(before);
    expect(emails.some((email) => email.recipient === collaborator.email || email.text_body.includes('Margin is thin'))).toBe(false);
  });

  test('unread count, mark read, and IDs that are not the viewer’s', async () => {
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Launch post' });
    await assignTask(graph, admin.token, taskId, editor.id);
    await updateTaskStatus(graph, admin, taskId, 'DONE');
    const list = await notificationsOf(graph, editor, { unreadOnly: true });
    expect(list.unreadCount).toBe(2);
    const [first, second] = list.nodes.map((node: { id: string }) => node.id);

    const mark = `mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { notifications { id readAt } unreadCount userErrors { code field message } } }`;
    const marked = dataOf(await graph.request(mark, { input: { notificationIds: [first] } }, editor.token)).markNotificationsRead;
    expect(marked).toMatchObject({ unreadCount: 1, userErrors: [], notifications: [{ id: first }] });
    expect(marked.notifications[0].readAt).not.toBeNull();

    const foreign = dataOf(await graph.request(mark, { input: { notificationIds: [second] } }, admin.token)).markNotificationsRead;
    expect(foreign.userErrors).toEqual([expect.objectContaining({ code: 'NOTIFICATION_NOT_FOUND', field: ['input', 'notificationIds', '0'] })]);
    expect((await notificationsOf(graph, editor)).unreadCount).toBe(1);
    const empty = dataOf(await graph.request(mark, { input: { notificationIds: [] } }, editor.token)).markNotificationsRead;
    expect(empty.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT' });
    singleErrorOf(await graph.request(mark, { input: { notificationIds: ['nope'] } }, editor.token), 'BAD_USER_INPUT');

    expect(await markAllRead(editor)).toEqual({ markedCount: 1, unreadCount: 0 });
    singleErrorOf(await graph.request('{ notifications { unreadCount } }', {}), 'UNAUTHENTICATED');
  });

  test('the inbox pages newest first with cursors bound to the list', async () => {
    const taskIds = await Promise.all([1, 2, 3].map((n) => createTask(graph, admin.token, { projectId, title: `Paged ${n}` })));
    for (const taskId of taskIds) await assignTask(graph, admin.token, taskId, editor.id);
    const page1 = await notificationsOf(graph, editor, { unreadOnly: true, first: 2 });
    expect(page1.nodes.map((node: { task: { id: string } }) => node.task.id)).toEqual([taskIds[2], taskIds[1]]);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await notificationsOf(graph, editor, { unreadOnly: true, first: 2, after: page1.pageInfo.endCursor });
    expect(page2.nodes.map((node: { task: { id: string } }) => node.task.id)).toEqual([taskIds[0]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    singleErrorOf(await graph.request(`query($after: String) { notifications(after: $after) { unreadCount } }`, { after: page1.pageInfo.endCursor }, editor.token), 'BAD_USER_INPUT');
  });

  test('settings choose in-app, e-mail or neither per kind', async () => {
    const settingsMutation = `mutation($input: UpdateNotificationSettingsInput!) {
      updateNotificationSettings(input: $input) { settings { kind inApp email } userErrors { code field message } }
    }`;
    const defaults = dataOf(await graph.request('{ notificationSettings { kind inApp email } }', {}, editor.token)).notificationSettings;
    expect(defaults).toEqual([
      { kind: 'ASSIGNED', inApp: true, email: true },
      { kind: 'MENTIONED', inApp: true, email: true },
      { kind: 'STATUS_CHANGED', inApp: true, email: false },
      { kind: 'COMMENTED', inApp: true, email: false },
    ]);
    const twice = dataOf(
      await graph.request(settingsMutation, { input: { settings: [{ kind: 'ASSIGNED', inApp: true, email: true }, { kind: 'ASSIGNED', inApp: false, email: false }] } }, editor.token),
    ).updateNotificationSettings;
    expect(twice.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'settings', '1', 'kind'] })]);

    const changed = dataOf(
      await graph.request(
        settingsMutation,
        { input: { settings: [{ kind: 'ASSIGNED', inApp: false, email: true }, { kind: 'STATUS_CHANGED', inApp: false, email: false }] } },
        editor.token,
      ),
    ).updateNotificationSettings;
    expect(changed.settings.slice(0, 3)).toEqual([
      { kind: 'ASSIGNED', inApp: false, email: true },
      { kind: 'MENTIONED', inApp: true, email: true },
      { kind: 'STATUS_CHANGED', inApp: false, email: false },
    ]);

    const before = (await pendingNotificationEmails(graph)).length;
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Settings check' });
    await assignTask(graph, admin.token, taskId, editor.id);
    await updateTaskStatus(graph, admin, taskId, 'DONE');
    expect((await notificationsOf(graph, editor, { unreadOnly: true })).nodes).toEqual([]);
    const emails = (await pendingNotificationEmails(graph)).slice(before);
    expect(emails.map((email) => [email.recipient, email.subject])).toEqual([[editor.email, 'Ada Admin assigned you to "Settings check"']]);
    expect(emails[0]!.text_body).toContain(`/tasks/${taskId}`);

    await graph.request(settingsMutation, { input: { settings: [{ kind: 'ASSIGNED', inApp: true, email: true }, { kind: 'STATUS_CHANGED', inApp: true, email: false }] } }, editor.token);
  });
});

describe('following', () => {
  test('follow and unfollow; commenters follow without asking', async () => {
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Follow me' });
    expect((await followTask(graph, editor, taskId)).task).toMatchObject({ viewerIsFollowing: true, followers: [{ id: editor.id }] });
    expect((await followTask(graph, editor, taskId, false)).task).toMatchObject({ viewerIsFollowing: false, followers: [] });
    await comment(collaborator, { taskId, body: 'I will keep an eye on it' });
    const read = dataOf(await graph.request(`query($id: ID!) { task(id: $id) { viewerIsFollowing followers { id } } }`, { id: taskId }, collaborator.token)).task;
    expect(read).toEqual({ viewerIsFollowing: true, followers: [{ id: collaborator.id }] });
    await updateTaskStatus(graph, admin, taskId, 'IN_PROGRESS');
    expect((await notificationsOf(graph, collaborator)).nodes[0]).toMatchObject({ kind: 'STATUS_CHANGED', task: { id: taskId } });
  });

  test('a task the viewer may not see cannot be followed', async () => {
    const hidden = await createTask(graph, admin.token, { projectId, title: 'Not for the assignee' });
    expect((await followTask(graph, assignee, hidden)).userErrors).toEqual([expect.objectContaining({ code: 'TASK_NOT_FOUND', field: ['input', 'taskId'] })]);
    const stranger = await signUp(graph, 'Sue Stranger');
    expect((await followTask(graph, stranger, hidden)).userErrors[0]).toMatchObject({ code: 'TASK_NOT_FOUND' });
  });
});

describe('activity', () => {
  const activityQuery = `query($id: ID!, $first: Int, $after: String) {
    project(id: $id) { activity(first: $first, after: $after) {
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { id kind actor { id } task { id } comment { id } account { id } fromStatus toStatus fromDueDate toDueDate durationMinutes }
    } }
  }`;
  let activityProjectId: string;
  let assignedTaskId: string;
  let otherTaskId: string;
  let internalCommentId: string;

  beforeAll(async () => {
    activityProjectId = await createProject(graph, admin.token, 'History');
    await addProjectMember(graph, admin.token, activityProjectId, editor.id);
    await accept(graph, collaborator, (await invite(graph, admin.token, activityProjectId, collaborator.email, roles.externalCollaborator)).token);
    await accept(graph, assignee, (await invite(graph, admin.token, activityProjectId, assignee.email, roles.externalAssignee)).token);
    assignedTaskId = await createTask(graph, admin.token, { projectId: activityProjectId, title: 'Assigned one' });
    otherTaskId = await createTask(graph, admin.token, { projectId: activityProjectId, title: 'Other one' });
    await assignTask(graph, admin.token, assignedTaskId, assignee.id);
    await updateTaskStatus(graph, assignee, assignedTaskId, 'IN_PROGRESS');
    dataOf(await graph.request(`mutation { updateTask(input: { taskId: "${otherTaskId}", dueDate: "2027-01-15" }) { userErrors { code } } }`, {}, admin.token));
    await comment(collaborator, { taskId: otherTaskId, body: 'Public remark' });
    internalCommentId = await comment(editor, { taskId: assignedTaskId, body: 'Internal remark', isInternal: true });
    await logTime(graph, editor.token, { taskId: otherTaskId, entryDate: '2026-12-01', durationMinutes: 45 });
    await logTime(graph, assignee.token, { taskId: assignedTaskId, entryDate: '2026-12-01', durationMinutes: 30 });
  });

  async function activityOf(account: TestAccount, first = 100, after?: string) {
    return dataOf(await graph.request(activityQuery, { id: activityProjectId, first, after }, account.token)).project.activity;
  }

  const kinds = (nodes: Array<{ kind: string }>) => nodes.map((node) => node.kind);

  test('the host sees every change, newest first, with actor and details', async () => {
    const { nodes } = await activityOf(admin);
    expect(kinds(nodes)).toEqual([
      'TIME_TRACKED',
      'TIME_TRACKED',
      'COMMENTED',
      'COMMENTED',
      'DUE_DATE_CHANGED',
      'STATUS_CHANGED',
      'ASSIGNED',
      'TASK_CREATED',
      'TASK_CREATED',
      'MEMBER_ADDED',
      'MEMBER_ADDED',
      'MEMBER_ADDED',
    ]);
    expect(nodes[0]).toMatchObject({ actor: { id: assignee.id }, account: { id: assignee.id }, durationMinutes: 30, task: { id: assignedTaskId } });
    expect(nodes[2]).toMatchObject({ actor: { id: editor.id }, comment: { id: internalCommentId } });
    expect(nodes[4]).toMatchObject({ fromDueDate: null, toDueDate: '2027-01-15', task: { id: otherTaskId } });
    expect(nodes[5]).toMatchObject({ actor: { id: assignee.id }, fromStatus: 'TODO', toStatus: 'IN_PROGRESS' });
    expect(nodes[6]).toMatchObject({ account: { id: assignee.id }, actor: { id: admin.id } });
    expect(nodes.at(-1)).toMatchObject({ account: { id: editor.id }, actor: { id: admin.id } });
  });

  test('an external collaborator never sees the internal comment', async () => {
    const { nodes } = await activityOf(collaborator);
    expect(nodes.filter((node: { comment: { id: string } | null }) => node.comment?.id === internalCommentId)).toEqual([]);
    expect(kinds(nodes).filter((kind) => kind === 'COMMENTED')).toHaveLength(1);
  });

  test('assigned-only external sees own task events', async () => {
    const { nodes } = await activityOf(assignee);
    expect(kinds(nodes)).toEqual(['TIME_TRACKED', 'STATUS_CHANGED', 'ASSIGNED', 'TASK_CREATED', 'MEMBER_ADDED', 'MEMBER_ADDED', 'MEMBER_ADDED']);
    for (const node of nodes) if (node.task) expect(node.task.id).toBe(assignedTaskId);
    const taskActivity = dataOf(await graph.request(`query($id: ID!) { task(id: $id) { activity { nodes { kind } } } }`, { id: otherTaskId }, assignee.token));
    expect(taskActivity.task).toBeNull();
  });

  test("a task's own history holds its events only", async () => {
    const data = dataOf(await graph.request(`query($id: ID!) { task(id: $id) { activity { nodes { kind task { id } } } } }`, { id: otherTaskId }, editor.token));
    expect(kinds(data.task.activity.nodes)).toEqual(['TIME_TRACKED', 'COMMENTED', 'DUE_DATE_CHANGED', 'TASK_CREATED']);
  });

  test('pages continue without overlap, and removal shows as an event', async () => {
    const first = await activityOf(admin, 5);
    const rest = await activityOf(admin, 100, first.pageInfo.endCursor);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const all = await activityOf(admin);
    expect([...first.nodes, ...rest.nodes].map((node: { id: string }) => node.id)).toEqual(all.nodes.map((node: { id: string }) => node.id));
    singleErrorOf(await graph.request(activityQuery, { id: activityProjectId, first: 5, after: 'garbage' }, admin.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(activityQuery, { id: activityProjectId, first: 0 }, admin.token), 'BAD_USER_INPUT');
  });

  test('the statement count does not grow with the events returned', async () => {
    const query = `query($id: ID!) { project(id: $id) { activity(first: 100) { nodes { kind actor { id name } task { id title } comment { id body } account { id name } } } } }`;
    const small = await countStatements(graph, query, { id: activityProjectId }, admin.token);
    for (let n = 0; n < 8; n += 1) await updateTaskStatus(graph, admin, otherTaskId, n % 2 === 0 ? 'DONE' : 'TODO');
    await comment(admin, { projectId: activityProjectId, body: 'More history' });
    const large = await countStatements(graph, query, { id: activityProjectId }, admin.token);
    expect(dataOf(large.response).project.activity.nodes.length).toBeGreaterThan(dataOf(small.response).project.activity.nodes.length + 8);
    expect(large.statements).toBe(small.statements);
  });
});

describe('removal from the project', () => {
  test('ends follows, notifications and unsent e-mails at once, and for good', async () => {
    const mailDirectory = await mkdtemp(join(tmpdir(), 'tandem-notification-mail-'));
    const worker = startNotificationWorker({
      db: graph.database.db,
      settings: { kind: 'file', directory: mailDirectory, from: defaultMailFrom },
      log: pino({ level: 'silent' }),
      pollIntervalMs: 3_600_000,
    });
    try {
      const leaver = await signUp(graph, 'Lea Leaver');
      await accept(graph, leaver, (await invite(graph, admin.token, projectId, leaver.email, roles.externalCollaborator)).token);
      const taskId = await createTask(graph, admin.token, { projectId, title: 'Before removal' });
      await assignTask(graph, admin.token, taskId, leaver.id);
      expect(await notificationSummary(graph, leaver)).toEqual([`ASSIGNED:${taskId}`]);
      expect((await pendingNotificationEmails(graph)).filter((email) => email.recipient === leaver.email)).toHaveLength(1);

      await removeProjectMember(graph, admin.token, projectId, leaver.id);
      // At once: the inbox and its count are empty, and nothing new reaches them.
      expect(await notificationsOf(graph, leaver)).toMatchObject({ nodes: [], unreadCount: 0 });
      await updateTaskStatus(graph, admin, taskId, 'DONE');
      await comment(admin, { taskId, body: 'After removal' });
      expect(await rowsOf(leaver.id)).toEqual({ follows: 1, notifications: 1, emails: 1 });

      // The worker sends the others' e-mails, never the leaver's, and drops what the removal ended.
      await worker.drain();
      const files = await readdir(mailDirectory);
      const bodies = await Promise.all(files.map((file) => readFile(join(mailDirectory, file), 'utf8')));
      expect(bodies.length).toBeGreaterThan(0);
      expect(bodies.some((body) => body.includes(leaver.email))).toBe(false);
      expect(await rowsOf(leaver.id)).toEqual({ follows: 0, notifications: 0, emails: 0 });

      // Invited back, they start afresh: no old follow or notification returns.
      await accept(graph, leaver, (await invite(graph, admin.token, projectId, leaver.email, roles.externalCollaborator)).token);
      const task = dataOf(await graph.request(`query($id: ID!) { task(id: $id) { viewerIsFollowing } }`, { id: taskId }, leaver.token)).task;
      expect(task).toEqual({ viewerIsFollowing: false });
      expect((await notificationsOf(graph, leaver)).nodes).toEqual([]);
    } finally {
      await worker.stop();
      await rm(mailDirectory, { recursive: true, force: true });
    }
  });

  test('stale follow stays ended after a return', async () => {
    const returner = await signUp(graph, 'Rex Returner');
    await accept(graph, returner, (await invite(graph, admin.token, projectId, returner.email, roles.externalCollaborator)).token);
    const taskId = await createTask(graph, admin.token, { projectId, title: 'Watched' });
    await followTask(graph, returner, taskId);
    await removeProjectMember(graph, admin.token, projectId, returner.id);
    await accept(graph, returner, (await invite(graph, admin.token, projectId, returner.email, roles.externalCollaborator)).token);

    await updateTaskStatus(graph, admin, taskId, 'DONE');
    expect((await notificationsOf(graph, returner)).nodes).toEqual([]);
    const read = dataOf(await graph.request(`query($id: ID!) { task(id: $id) { viewerIsFollowing followers { id } } }`, { id: taskId }, admin.token)).task;
    expect(read.followers).toEqual([]);

    expect((await rowsOf(returner.id)).follows).toBe(1);
    await dropEndedMemberships(graph.database.db, new Date(Date.now() - 60_000));
    expect((await rowsOf(returner.id)).follows).toBe(0);
  });
});
