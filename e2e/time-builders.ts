import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf } from '../db/client.js';
import { builtInRoleIds } from '../db/sharing/schema.js';
import type { Viewer } from '../subgraphs/common/viewer.js';
import { dataOf, type TestAccount } from './builders.js';
import { jwtClaims } from './fixtures.js';
import type { TestGraph } from './harness.js';

/** The fields of a time entry that the time tests read. */
export const timeEntryFields = `id entryDate durationMinutes startedAt isRunning note createdAt updatedAt
  task { id } project { id } account { id } createdBy { id } ownerWorkspace { id }`;

export const logTimeMutation = `mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { ${timeEntryFields} } userErrors { code field message } } }`;

/** Logs time with `input` (taskId, entryDate and durationMinutes at least) and returns the new entry's ID. */
export async function logTime(graph: TestGraph, token: string, input: Record<string, unknown>): Promise<string> {
  const data = dataOf(await graph.request(logTimeMutation, { input }, token));
  expect(data.logTime.userErrors).toEqual([]);
  return data.logTime.timeEntry.id;
}

/** Logs one entry per date of `dates`, each of `minutes` minutes, and returns their IDs in that order. */
export async function logTimes(graph: TestGraph, token: string, taskId: string, dates: string[], minutes = 30): Promise<string[]> {
  const ids: string[] = [];
  for (const entryDate of dates) ids.push(await logTime(graph, token, { taskId, entryDate, durationMinutes: minutes }));
  return ids;
}

/** Permissions of a project role, as the columns of sharing.project_roles name them. */
export interface RolePermissions {
  canManageMembers: boolean;
  seesAllTasks: boolean;
  canEditTasks: boolean;
  canTrackTime: boolean;
  /** Defaults to true, as for the built-in editor role. */
  canSeeOthersTime?: boolean;
}

/**
 * Gives a project member a new internal role of the project's host workspace, written straight
 * into the sharing tables because the graph has no mutation for project roles yet.
 */
export async function giveProjectRole(graph: TestGraph, projectId: string, accountId: string, permissions: RolePermissions): Promise<void> {
  const roles = rowsOf<{ id: string }>(
    await graph.database.db.execute(sql`
      insert into sharing.project_roles (workspace_id, name, applies_to_external, can_edit_project, can_manage_members, sees_all_tasks, can_edit_tasks, can_track_time, can_see_others_time)
      select workspace_id, 'Test role', false, false, ${permissions.canManageMembers}, ${permissions.seesAllTasks}, ${permissions.canEditTasks}, ${permissions.canTrackTime}, ${permissions.canSeeOthersTime ?? true}
      from sharing.projects where id = ${projectId}
      returning id`),
  );
  expect(roles).toHaveLength(1);
  const updated = rowsOf<{ account_id: string }>(
    await graph.database.db.execute(sql`
      update sharing.project_members set role_id = ${roles[0]!.id} where project_id = ${projectId} and account_id = ${accountId} returning account_id`),
  );
  expect(updated).toHaveLength(1);
}

/**
 * Makes `account` an external member of a project, placed in the account's own workspace, by
 * writing the membership that accepting an invitation would write.
 */
export async function addExternalMember(
  graph: TestGraph,
  projectId: string,
  account: TestAccount,
  addedBy: TestAccount,
  roleId: string = builtInRoleIds.externalCollaborator,
): Promise<void> {
  await graph.database.db.execute(sql`
    insert into sharing.project_members (project_id, account_id, is_external, placement_workspace_id, role_id, added_by)
    values (${projectId}, ${account.id}, true, ${account.ownWorkspaceId}, ${roleId}, ${addedBy.id})`);
}

/** Moves the start of the account's running timer `minutes` into the past, as if it had run that long. */
export async function backdateRunningTimer(graph: TestGraph, account: TestAccount, minutes: number): Promise<void> {
  const moved = rowsOf<{ id: string }>(
    await graph.database.db.execute(sql`
      update work.time_entries set started_at = now() - make_interval(secs => ${minutes * 60})
      where account_id = ${account.id} and duration_minutes is null returning id`),
  );
  expect(moved).toHaveLength(1);
}

/** Counts an account's time entries straight from the database, to prove that a rejected call wrote nothing. */
export async function countTimeEntries(graph: TestGraph, accountId: string): Promise<number> {
  const rows = rowsOf<{ total: number | string }>(await graph.database.db.execute(sql`select count(*) as total from work.time_entries where account_id = ${accountId}`));
  return Number(rows[0]!.total);
}

/** Builds the viewer that the gateway asserts for the account's signUp session, for requests sent straight to a subgraph. */
export function viewerOf(account: TestAccount): Viewer {
  return { accountId: account.id, sessionId: String(jwtClaims(account.token).sid), workspaceId: account.ownWorkspaceId };
}
