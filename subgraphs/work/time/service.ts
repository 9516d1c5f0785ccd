import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { projectMembershipsView } from '../../../db/sharing/contract.js';
import { taskAssignees, timeEntries } from '../../../db/work/schema.js';
import { sqlState, UNIQUE_VIOLATION, userError, type UserError } from '../../common/errors.js';
import type { ProjectAccess } from '../../common/project-access.js';
import { checkMultiLineText, isUserError } from '../../common/validation.js';
import type { Viewer } from '../../common/viewer.js';
import type { TaskRow } from '../loaders.js';
import { recordActivity, type ActivityInsert } from '../activity/record.js';
import type { TimeEntryRow } from './loaders.js';

// The table's check constraint enforces the same duration bounds.
const minDurationMinutes = 1;
const maxDurationMinutes = 1440;
const maxNoteLength = 2000;

export interface LogTimeFields {
  /** The account whose time it is, already defaulted to the viewer. */
  accountId: string;
  /** Whether the input named `accountId`, so that user errors point at it only then. */
  accountNamed: boolean;
  entryDate: string;
  durationMinutes: number;
  note?: string | null;
}

export interface StartTimerFields {
  note?: string | null;
  entryDate?: string | null;
}

const archivedError = (field: string) =>
  userError('PROJECT_ARCHIVED', ['input', field], "The project is archived; restore it with unarchiveProject before changing its time entries.");

function checkDuration(minutes: number): UserError | null {
  if (minutes >= minDurationMinutes && minutes <= maxDurationMinutes) return null;
  return userError('INVALID_INPUT', ['input', 'durationMinutes'], `The duration must be ${minDurationMinutes} to ${maxDurationMinutes} minutes; it is ${minutes}.`);
}

/** Checks an optional note and returns the text to store, which is empty when none was given. */
function checkNote(note: string | null | undefined): string | UserError {
  return note === null || note === undefined ? '' : checkMultiLineText(note, ['input', 'note'], 'The note', maxNoteLength);
}

/**
 * Checks that `accountId` may have time on `task`: a member of its project whose role shows
 * the task. Returns the user error, or null when the account qualifies.
 */
async function checkTracker(db: Database, task: TaskRow, accountId: string, field: string[] | null): Promise<UserError | null> {
  const [member] = await db
    .select({ seesAllTasks: projectMembershipsView.seesAllTasks })
    .from(projectMembershipsView)
    .where(and(eq(projectMembershipsView.projectId, task.projectId), eq(projectMembershipsView.accountId, accountId)));
  if (!member) {
    return userError('NOT_A_PROJECT_MEMBER', field, `Account "${accountId}" is not a member of this task's project; only project members can have time entries.`);
  }
  if (member.seesAllTasks) return null;

  const [assignment] = await db
    .select({ taskId: taskAssignees.taskId })
    .from(taskAssignees)
    .where(and(eq(taskAssignees.taskId, task.id), eq(taskAssignees.accountId, accountId)));
  return assignment
    ? null
    : userError('TASK_NOT_ASSIGNED', field, `Account "${accountId}" sees only the tasks they are assigned to; assign them to task "${task.id}" first.`);
}

/** Records a duration on a task. The rule of `logTime` has checked that the viewer may. */
export async function logTime(db: Database, viewer: Viewer, task: TaskRow, access: ProjectAccess, input: LogTimeFields): Promise<TimeEntryRow | UserError[]> {
  const note = checkNote(input.note);
  const problems = [checkDuration(input.durationMinutes), note].filter(isUserError);
  if (problems.length > 0 || isUserError(note)) return problems;
  if (access.archived) return [archivedError('taskId')];

  const problem = await checkTracker(db, task, input.accountId, input.accountNamed ? ['input', 'accountId'] : null);
  if (problem) return [problem];

  return db.transaction(async (tx) => {
    const [entry] = await tx
      .insert(timeEntries)
      .values({
        taskId: task.id,
        projectId: task.projectId,
        accountId: input.accountId,
        entryDate: input.entryDate,
        durationMinutes: input.durationMinutes,
        note,
        createdBy: viewer.accountId,
      })
      .returning();
    await recordActivity(tx, [timeTracked(entry!, viewer.accountId)]);
    return entry!;
  });
}

/** Builds the history event of a finished time entry. */
function timeTracked(entry: TimeEntryRow, actorAccountId: string): ActivityInsert {
  return {
    projectId: entry.projectId,
    taskId: entry.taskId,
    actorAccountId,
    kind: 'time_tracked',
    subjectAccountId: entry.accountId,
    timeEntryId: entry.id,
    toValue: String(entry.durationMinutes),
  };
}

async function runningTimerOf(db: Database, accountId: string): Promise<TimeEntryRow | null> {
  const [running] = await db
    .select()
    .from(timeEntries)
    .where(and(eq(timeEntries.accountId, accountId), isNull(timeEntries.durationMinutes)));
  return running ?? null;
}

const alreadyRunningError = (running: TimeEntryRow) =>
  userError('TIMER_ALREADY_RUNNING', null, `Your timer of time entry "${running.id}" is still running; stop it with stopTimer before starting another.`);

/** Starts a timer for the viewer. The rule of `startTimer` has checked that the viewer may track time on the task. */
export async function startTimer(db: Database, viewer: Viewer, task: TaskRow, access: ProjectAccess, input: StartTimerFields): Promise<TimeEntryRow | UserError[]> {
  const note = checkNote(input.note);
  if (isUserError(note)) return [note];
  if (access.archived) return [archivedError('taskId')];
  const problem = await checkTracker(db, task, viewer.accountId, null);
  if (problem) return [problem];

  const running = await runningTimerOf(db, viewer.accountId);
  if (running) return [alreadyRunningError(running)];

  try {
    const [entry] = await db
      .insert(timeEntries)
      .values({
        taskId: task.id,
        projectId: task.projectId,
        accountId: viewer.accountId,
        // The database clock sets both the start and the default day, and stopTimer measures with it.
        entryDate: input.entryDate ?? sql`(now() at time zone 'UTC')::date`,
        startedAt: sql`now()`,
        note,
        createdBy: viewer.accountId,
      })
      .returning();
    return entry!;
  } catch (error) {
    // A timer started concurrently won the race for the one-running-timer index.
    if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
    const winner = await runningTimerOf(db, viewer.accountId);
    if (!winner) throw error;
    return [alreadyRunningError(winner)];
  }
}

/**
 * Stops the viewer's running timer, in one statement so that two concurrent calls cannot both
 * stop it. The duration is the started minutes rounded up, from 1 to 1440.
 */
export async function stopTimer(db: Database, viewer: Viewer): Promise<TimeEntryRow | UserError[]> {
  return db.transaction(async (tx) => {
    const [stopped] = await tx
      .update(timeEntries)
      .set({
        durationMinutes: sql`least(${maxDurationMinutes}, greatest(${minDurationMinutes}, ceil(extract(epoch from now() - ${timeEntries.startedAt}) / 60)))::int`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(timeEntries.accountId, viewer.accountId), isNull(timeEntries.durationMinutes)))
      .returning();
    if (!stopped) return [userError('NO_TIMER_RUNNING', null, 'You have no running timer to stop; start one with startTimer.')];
    await recordActivity(tx, [timeTracked(stopped, viewer.accountId)]);
    return stopped;
  });
}

/** Deletes a time entry. The rule of `deleteTimeEntry` has checked that the viewer may. */
export async function deleteTimeEntry(db: Database, entry: TimeEntryRow, access: ProjectAccess): Promise<TimeEntryRow | UserError[]> {
  if (access.archived) return [archivedError('timeEntryId')];

  const [deleted] = await db.delete(timeEntries).where(eq(timeEntries.id, entry.id)).returning();
  return deleted ?? [timeEntryNotFound(entry.id)];
}

export const timeEntryNotFound = (id: string) =>
  userError('TIME_ENTRY_NOT_FOUND', ['input', 'timeEntryId'], `No time entry "${id}" exists that you may see; take IDs from myTimeEntries or a project's timeEntries.`);
