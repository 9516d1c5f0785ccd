import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf } from '../db/client.js';
import { dataOf, type TestAccount } from './builders.js';
import type { TestGraph } from './harness.js';

export const notificationFields = 'id kind actor { id } project { id } task { id } comment { id } status createdAt readAt';

const notificationsQuery = `query($unreadOnly: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
    unreadCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } nodes { ${notificationFields} }
  }
}`;

/** Reads the viewer's notifications, newest first, as the graph lists them. */
export async function notificationsOf(graph: TestGraph, account: TestAccount, options: { unreadOnly?: boolean; first?: number; after?: string } = {}) {
  return dataOf(await graph.request(notificationsQuery, { first: 100, ...options }, account.token)).notifications;
}

/** Kinds and tasks of the viewer's notifications, newest first, for compact comparisons. */
export async function notificationSummary(graph: TestGraph, account: TestAccount): Promise<string[]> {
  const list = await notificationsOf(graph, account);
  return list.nodes.map((node: { kind: string; task: { id: string } | null }) => `${node.kind}:${node.task?.id ?? 'project'}`);
}

export async function updateTaskStatus(graph: TestGraph, account: TestAccount, taskId: string, status: string) {
  const data = dataOf(
    await graph.request(
      `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { id status } userErrors { code field message } } }`,
      { input: { taskId, status } },
      account.token,
    ),
  );
  expect(data.updateTask.userErrors).toEqual([]);
}

export async function removeProjectMember(graph: TestGraph, token: string, projectId: string, accountId: string) {
  const data = dataOf(
    await graph.request(
      `mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { userErrors { code field message } } }`,
      { input: { projectId, accountId } },
      token,
    ),
  );
  expect(data.removeProjectMember.userErrors).toEqual([]);
}

export async function followTask(graph: TestGraph, account: TestAccount, taskId: string, follow = true) {
  const field = follow ? 'followTask' : 'unfollowTask';
  return dataOf(
    await graph.request(
      `mutation($input: FollowTaskInput!) { ${field}(input: $input) { task { id viewerIsFollowing followers { id } } userErrors { code field message } } }`,
      { input: { taskId } },
      account.token,
    ),
  )[field];
}

/** Notification e-mails waiting in the work subgraph's outbox, oldest first. */
export async function pendingNotificationEmails(graph: TestGraph): Promise<Array<{ recipient: string; subject: string; text_body: string }>> {
  return rowsOf(
    await graph.database.db.execute(sql`select recipient, subject, text_body from work.mail_outbox where sent_at is null order by created_at, id`),
  );
}
