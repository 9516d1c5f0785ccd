import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { projectMembershipsView } from '../../../db/sharing/contract.js';
import { taskAssignees, tasks } from '../../../db/work/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import type { ProjectAccess } from '../../common/project-access.js';
import { checkMultiLineText, checkText, isUserError } from '../../common/validation.js';
import type { Viewer } from '../../common/viewer.js';
import { recordActivity } from '../activity/record.js';
import { follow } from '../follow/service.js';
import type { TaskRow } from '../loaders.js';
import { notify } from '../notification/fanout.js';

export type TaskStatus = TaskRow['status'];

export interface TaskFields {
  title?: string | null;
  description?: string | null;
  status?: TaskStatus | null;
  dueDate?: string | null;
}

const maxTitleLength = 500;
const maxDescriptionLength = 50_000;

const archivedError = (field: string) =>
  userError('PROJECT_ARCHIVED', ['input', field], "The task's project is archived; restore the project with unarchiveProject before changing its tasks.");

/** Checks the fields an input sets; returns the values to write, or the user errors. */
export function checkTaskFields(input: TaskFields): Partial<typeof tasks.$inferInsert> | UserError[] {
  const values: Partial<typeof tasks.$inferInsert> = {};
  const problems: UserError[] = [];

  if (input.title !== undefined) {
    const title = input.title === null ? userError('INVALID_INPUT', ['input', 'title'], 'The title cannot be null; omit it to keep the current title.') : checkText(input.title, ['input', 'title'], 'The title', maxTitleLength);
    if (isUserError(title)) problems.push(title);
    else values.title = title;
  }
  if (input.description !== undefined && input.description !== null) {
    const description = checkMultiLineText(input.description, ['input', 'description'], 'The description', maxDescriptionLength);
    if (isUserError(description)) problems.push(description);
    else values.description = description;
  } else if (input.description === null) {
    values.description = '';
  }
  if (input.status !== undefined) {
    if (input.status === null) problems.push(userError('INVALID_INPUT', ['input', 'status'], 'The status cannot be null; omit it to keep the current status.'));
    else values.status = input.status;
  }
  if (input.dueDate !== undefined) values.dueDate = input.dueDate;

  return problems.length > 0 ? problems : values;
}

export async function createTask(db: Database, viewer: Viewer, access: ProjectAccess, input: TaskFields & { title: string }): Promise<TaskRow | UserError[]> {
  const values = checkTaskFields(input);
  if (Array.isArray(values)) return values;
  if (access.archived) return [archivedError('projectId')];

  return db.transaction(async (tx) => {
    const [task] = await tx
      .insert(tasks)
      .values({ ...values, title: values.title!, projectId: access.projectId, createdBy: viewer.accountId })
      .returning();
    await recordActivity(tx, [{ projectId: task!.projectId, taskId: task!.id, actorAccountId: viewer.accountId, kind: 'task_created', toValue: task!.title }]);
    return task!;
  });
}

/** Changes a task's fields; a new status or due date enters the task's history, and a new status notifies its assignees and followers. */
export async function updateTask(db: Database, viewer: Viewer, task: TaskRow, access: ProjectAccess, input: TaskFields): Promise<TaskRow | UserError[]> {
  const values = checkTaskFields(input);
  if (Array.isArray(values)) return values;
  if (access.archived) return [archivedError('taskId')];
  if (Object.keys(values).length === 0) return task;

  return db.transaction(async (tx) => {
    // The row lock makes concurrent changes of one task record their history in order.
    const [before] = await tx.select({ status: tasks.status, dueDate: tasks.dueDate }).from(tasks).where(eq(tasks.id, task.id)).for('update');
    const [updated] = await tx
      .update(tasks)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(tasks.id, task.id))
      .returning();
    const actor = { projectId: updated!.projectId, taskId: updated!.id, actorAccountId: viewer.accountId };
    const statusChanged = before!.status !== updated!.status;
    await recordActivity(tx, [
      ...(statusChanged ? [{ ...actor, kind: 'status_changed' as const, fromValue: before!.status, toValue: updated!.status }] : []),
      ...(before!.dueDate !== updated!.dueDate ? [{ ...actor, kind: 'due_date_changed' as const, fromValue: before!.dueDate, toValue: updated!.dueDate }] : []),
    ]);
    if (statusChanged) await notify(tx, { kind: 'status_changed', actorId: viewer.accountId, task: updated!, status: updated!.status });
    return updated!;
  });
}

/** Assigns a project member, who then follows the task and is notified; assigning a current assignee changes nothing. */
export async function assignTask(db: Database, viewer: Viewer, task: TaskRow, access: ProjectAccess, accountId: string): Promise<TaskRow | UserError[]> {
  if (access.archived) return [archivedError('taskId')];

  const [member] = await db
    .select({ accountId: projectMembershipsView.accountId })
    .from(projectMembershipsView)
    .where(and(eq(projectMembershipsView.projectId, task.projectId), eq(projectMembershipsView.accountId, accountId)));
  if (!member) {
    return [userError('NOT_A_PROJECT_MEMBER', ['input', 'accountId'], `Account "${accountId}" is not a member of this task's project; only project members can be assigned.`)];
  }

  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(taskAssignees)
      .values({ taskId: task.id, accountId, assignedBy: viewer.accountId })
      .onConflictDoNothing()
      .returning({ accountId: taskAssignees.accountId });
    if (inserted.length === 0) return task;
    await recordActivity(tx, [{ projectId: task.projectId, taskId: task.id, actorAccountId: viewer.accountId, kind: 'assigned', subjectAccountId: accountId }]);
    await follow(tx, task, [accountId]);
    await notify(tx, { kind: 'assigned', actorId: viewer.accountId, task, assigneeId: accountId });
    return task;
  });
}

/** Removes an assignee, who keeps following the task until they unfollow it; removing someone not assigned changes nothing. */
export async function unassignTask(db: Database, viewer: Viewer, task: TaskRow, access: ProjectAccess, accountId: string): Promise<TaskRow | UserError[]> {
  if (access.archived) return [archivedError('taskId')];
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(taskAssignees)
      .where(and(eq(taskAssignees.taskId, task.id), eq(taskAssignees.accountId, accountId)))
      .returning({ accountId: taskAssignees.accountId });
    if (removed.length > 0) {
      await recordActivity(tx, [{ projectId: task.projectId, taskId: task.id, actorAccountId: viewer.accountId, kind: 'unassigned', subjectAccountId: accountId }]);
    }
    return task;
  });
}
