import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { projectMembershipsView } from '../../../db/sharing/contract.js';
import { taskAssignees, tasks } from '../../../db/work/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import type { ProjectAccess } from '../../common/project-access.js';
import { checkMultiLineText, checkText, isUserError } from '../../common/validation.js';
import type { Viewer } from '../../common/viewer.js';
import type { TaskRow } from '../loaders.js';

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

  const [task] = await db
    .insert(tasks)
    .values({ ...values, title: values.title!, projectId: access.projectId, createdBy: viewer.accountId })
    .returning();
  return task!;
}

export async function updateTask(db: Database, task: TaskRow, access: ProjectAccess, input: TaskFields): Promise<TaskRow | UserError[]> {
  const values = checkTaskFields(input);
  if (Array.isArray(values)) return values;
  if (access.archived) return [archivedError('taskId')];
  if (Object.keys(values).length === 0) return task;

  const [updated] = await db
    .update(tasks)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(tasks.id, task.id))
    .returning();
  return updated!;
}

/** Assigns a project member; assigning a current assignee changes nothing. */
export async function assignTask(db: Database, viewer: Viewer, task: TaskRow, access: ProjectAccess, accountId: string): Promise<TaskRow | UserError[]> {
  if (access.archived) return [archivedError('taskId')];

  const [member] = await db
    .select({ accountId: projectMembershipsView.accountId })
    .from(projectMembershipsView)
    .where(and(eq(projectMembershipsView.projectId, task.projectId), eq(projectMembershipsView.accountId, accountId)));
  if (!member) {
    return [userError('NOT_A_PROJECT_MEMBER', ['input', 'accountId'], `Account "${accountId}" is not a member of this task's project; only project members can be assigned.`)];
  }

  await db.insert(taskAssignees).values({ taskId: task.id, accountId, assignedBy: viewer.accountId }).onConflictDoNothing();
  return task;
}

/** Removes an assignee; removing someone not assigned changes nothing. */
export async function unassignTask(db: Database, task: TaskRow, access: ProjectAccess, accountId: string): Promise<TaskRow | UserError[]> {
  if (access.archived) return [archivedError('taskId')];
  await db.delete(taskAssignees).where(and(eq(taskAssignees.taskId, task.id), eq(taskAssignees.accountId, accountId)));
  return task;
}
