import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf } from '../db/client.js';
import { dataOf } from './builders.js';
import type { TestGraph } from './harness.js';

/** The fields of a private task that the tests read. */
export const privateTaskFields = 'id title description status dueDate viewerIsOwner owner { id } workspace { id } sharedWith { id } createdAt updatedAt';

/** The fields of a calendar entry that the tests read. */
export const calendarEntryFields = 'id start end createdAt updatedAt task { id title status } privateTask { id title }';

export const createPrivateTaskMutation = `mutation($input: CreatePrivateTaskInput!) { createPrivateTask(input: $input) { privateTask { ${privateTaskFields} } userErrors { code field message } } }`;
export const scheduleTaskMutation = `mutation($input: ScheduleTaskInput!) { scheduleTask(input: $input) { calendarEntry { ${calendarEntryFields} } userErrors { code field message } } }`;

/** Creates a private task in the current workspace of the token's session and returns its ID. */
export async function createPrivateTask(graph: TestGraph, token: string, input: Record<string, unknown>): Promise<string> {
  const data = dataOf(await graph.request(createPrivateTaskMutation, { input }, token));
  expect(data.createPrivateTask.userErrors).toEqual([]);
  return data.createPrivateTask.privateTask.id;
}

/** Runs sharePrivateTask or unsharePrivateTask and returns its payload. */
export async function sharing(graph: TestGraph, token: string, name: 'sharePrivateTask' | 'unsharePrivateTask', privateTaskId: string, accountId: string) {
  const data = dataOf(
    await graph.request(
      `mutation($input: PrivateTaskShareInput!) { ${name}(input: $input) { privateTask { id sharedWith { id } } userErrors { code field message } } }`,
      { input: { privateTaskId, accountId } },
      token,
    ),
  );
  return data[name];
}

/** Shares a private task, failing on user errors. */
export async function sharePrivateTask(graph: TestGraph, token: string, privateTaskId: string, accountId: string) {
  const payload = await sharing(graph, token, 'sharePrivateTask', privateTaskId, accountId);
  expect(payload.userErrors).toEqual([]);
}

/** Schedules a task or private task (`input` names one of them, start and end) and returns the entry's ID. */
export async function schedule(graph: TestGraph, token: string, input: Record<string, unknown>): Promise<string> {
  const data = dataOf(await graph.request(scheduleTaskMutation, { input }, token));
  expect(data.scheduleTask.userErrors).toEqual([]);
  return data.scheduleTask.calendarEntry.id;
}

/** Sets a workspace's plan straight in the identity table, as billing would. */
export async function setPlan(graph: TestGraph, workspaceId: string, plan: 'trial' | 'basic_connect' | 'basic' | 'business' | 'enterprise') {
  const updated = rowsOf(await graph.database.db.execute(sql`update identity.workspaces set plan = ${plan} where id = ${workspaceId} returning id`));
  expect(updated).toHaveLength(1);
}
