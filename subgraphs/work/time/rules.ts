import { chain } from 'graphql-shield';
import type { SubgraphContext } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import type { ProjectAccess } from '../../common/project-access.js';
import { accessRule, allow, isAuthenticated } from '../../common/shield.js';
import type { WorkLoaders } from '../loaders.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { EntryFilter, TimeEntryRow } from './loaders.js';

type Context = SubgraphContext<WorkLoaders>;

/**
 * Derives which of a project's time entries the viewer sees, or null when the viewer may not
 * see the project. Admins of the host workspace, and members whose role lets them see others' time,
 * see every entry; other members see only their own. A role limited to assigned tasks also limits its holder to the
 * entries on those tasks, as `loadVisibleTask` limits it to the tasks. The SQL of
 * `viewerEntryPages` in loaders.ts applies the same rule.
 */
export function entryFilterOf(access: ProjectAccess | null): EntryFilter | null {
  if (!access?.canSee) return null;
  return { ownOnly: !access.canSeeOthersTime, assignedOnly: !access.seesAllTasks };
}

/** Checks whether the viewer may see a time entry. */
export async function canSeeEntry(entry: TimeEntryRow, context: Context): Promise<boolean> {
  const filter = entryFilterOf(await context.loaders.projectAccessById.load(entry.projectId));
  if (!filter) return false;
  if (filter.ownOnly && entry.accountId !== context.viewer?.accountId) return false;
  if (filter.assignedOnly) return context.loaders.viewerIsAssignedByTaskId.load(entry.taskId);
  return true;
}

/** Allows a member of the parent workspace, admin or not; external members of its projects are not members. */
const isWorkspaceMember = accessRule<Context>('isWorkspaceMember', 'strict', async (workspace: { id: string }, _args, context) =>
  (await context.loaders.viewerWorkspaceRoleById.load(workspace.id)) ? true : forbidden(),
);

/** Allows a viewer who may see the parent time entry. */
const canSeeTimeEntry = accessRule<Context>('canSeeTimeEntry', 'strict', async (entry: TimeEntryRow, _args, context) =>
  (await canSeeEntry(entry, context)) ? true : forbidden(),
);

/**
 * Allows a viewer who sees the task that `input.taskId` names and may track time on it. Their
 * own time takes a role that allows tracking, and another account's (`input.accountId`) takes
 * managing the project's members. The mutation reports an account that is no member as a user error.
 */
const canTrackOnInputTask = accessRule<Context>('canTrackOnInputTask', 'strict', async (_parent, args, context) => {
  const task = await loadVisibleTask(parseId(args.input?.taskId, 'input.taskId'), context);
  const access = task ? await context.loaders.projectAccessById.load(task.projectId) : null;
  if (!access) return forbidden();

  const accountId = args.input?.accountId == null ? context.viewer!.accountId : parseId(args.input.accountId, 'input.accountId');
  const allowed = accountId === context.viewer!.accountId ? access.canTrackTime : access.canManageMembers;
  return allowed ? true : forbidden();
});

/**
 * Allows a viewer to delete the time entry that `input.timeEntryId` names: their own entry when
 * their role allows tracking time, and any entry of a project whose members they manage. An entry
 * the viewer may not see passes, so that the mutation reports TIME_ENTRY_NOT_FOUND for it just
 * as for an ID that names no entry, and does not reveal that it exists.
 */
const canDeleteInputTimeEntry = accessRule<Context>('canDeleteInputTimeEntry', 'strict', async (_parent, args, context) => {
  const entry = await context.loaders.timeEntriesById.load(parseId(args.input?.timeEntryId, 'input.timeEntryId'));
  if (!entry || !(await canSeeEntry(entry, context))) return true;

  const access = (await context.loaders.projectAccessById.load(entry.projectId))!;
  const allowed = access.canManageMembers || (entry.accountId === context.viewer!.accountId && access.canTrackTime);
  return allowed ? true : forbidden();
});

/** Rules of the fields that time tracking adds to Query and Mutation, spread into those types' rules in ../rules.ts. */
export const timeFieldRules = {
  Query: { myTimeEntries: isAuthenticated },
  Mutation: {
    logTime: chain(isAuthenticated, canTrackOnInputTask),
    startTimer: chain(isAuthenticated, canTrackOnInputTask),
    stopTimer: isAuthenticated,
    deleteTimeEntry: chain(isAuthenticated, canDeleteInputTimeEntry),
  },
};

/**
 * Rules of the types that time tracking adds. Task.timeEntries and Project.timeEntries fall
 * under the Task and Project rules, which let only viewers who see the project through.
 */
export const timeTypeRules = {
  TimeEntry: canSeeTimeEntry,
  TimeEntryConnection: isAuthenticated,
  TimeEntryEdge: isAuthenticated,
  TimeEntryPayload: allow,
  Workspace: { id: isAuthenticated, timeReport: isWorkspaceMember },
  TimeReport: isAuthenticated,
  TimeReportProjectTotal: isAuthenticated,
  TimeReportPersonTotal: isAuthenticated,
  TimeReportRow: isAuthenticated,
};
