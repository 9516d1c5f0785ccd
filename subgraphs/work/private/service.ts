import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { workspaceMembershipsView, workspacesView } from '../../../db/identity/contract.js';
import { privateTasks, privateTaskShares } from '../../../db/work/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import type { Viewer } from '../../common/viewer.js';
import { checkTaskFields, type TaskFields } from '../task/service.js';
import type { PrivateTaskRow } from './loaders.js';

/** Plans that include sharing private tasks: every paid plan and the trial, not the free Basic Connect. */
const sharingPlans: ReadonlySet<string> = new Set(['trial', 'basic', 'business', 'enterprise']);

export async function createPrivateTask(db: Database, viewer: Viewer, input: TaskFields & { title: string }): Promise<PrivateTaskRow | UserError[]> {
  const values = checkTaskFields(input);
  if (Array.isArray(values)) return values;
  if (!viewer.workspaceId) return [userError('NO_CURRENT_WORKSPACE', null, 'Your session has no current workspace; switch to one with switchWorkspace first.')];

  const [task] = await db
    .insert(privateTasks)
    .values({ ...values, title: values.title!, ownerAccountId: viewer.accountId, workspaceId: viewer.workspaceId })
    .returning();
  return task!;
}

export async function updatePrivateTask(db: Database, task: PrivateTaskRow, input: TaskFields): Promise<PrivateTaskRow | UserError[]> {
  const values = checkTaskFields(input);
  if (Array.isArray(values)) return values;
  if (Object.keys(values).length === 0) return task;

  const [updated] = await db
    .update(privateTasks)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(privateTasks.id, task.id))
    .returning();
  return updated!;
}

/** Deletes a private task; its shares and every calendar entry for it go with it, by the foreign keys' cascade, in the same statement. */
export async function deletePrivateTask(db: Database, task: PrivateTaskRow): Promise<PrivateTaskRow> {
  await db.delete(privateTasks).where(eq(privateTasks.id, task.id));
  return task;
}

/** Shares a private task with a member of its workspace, when the workspace's plan includes it. Sharing again changes nothing. */
export async function sharePrivateTask(db: Database, viewer: Viewer, task: PrivateTaskRow, accountId: string): Promise<PrivateTaskRow | UserError[]> {
  if (accountId === task.ownerAccountId) {
    return [userError('INVALID_INPUT', ['input', 'accountId'], 'You own this private task; share it with another member of its workspace.')];
  }
  const [workspace] = await db.select({ plan: workspacesView.plan }).from(workspacesView).where(eq(workspacesView.id, task.workspaceId));
  if (!workspace || !sharingPlans.has(workspace.plan)) {
    return [userError('PRIVATE_SHARING_NOT_IN_PLAN', null, "The private task's workspace is on the free Basic Connect plan, which does not include sharing private tasks; upgrade to a paid plan first.")];
  }
  const [member] = await db
    .select({ accountId: workspaceMembershipsView.accountId })
    .from(workspaceMembershipsView)
    .where(and(eq(workspaceMembershipsView.workspaceId, task.workspaceId), eq(workspaceMembershipsView.accountId, accountId)));
  if (!member) {
    return [
      userError(
        'NOT_A_WORKSPACE_MEMBER',
        ['input', 'accountId'],
        `Account "${accountId}" is not a member of the private task's workspace; private tasks can be shared only with its members, not with external members of its projects.`,
      ),
    ];
  }

  await db.insert(privateTaskShares).values({ privateTaskId: task.id, accountId, sharedBy: viewer.accountId }).onConflictDoNothing();
  return task;
}

/** Stops sharing a private task with an account; the account's calendar entries for it stay, hidden while it is not shared. */
export async function unsharePrivateTask(db: Database, task: PrivateTaskRow, accountId: string): Promise<PrivateTaskRow> {
  await db.delete(privateTaskShares).where(and(eq(privateTaskShares.privateTaskId, task.id), eq(privateTaskShares.accountId, accountId)));
  return task;
}
