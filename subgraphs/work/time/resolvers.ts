import type { GraphQLResolveInfo } from 'graphql';
import type { SubgraphContext } from '../../common/context.js';
import { codedError, forbidden, type UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import type { TaskRow, WorkLoaders } from '../loaders.js';
import type { EntryPage, TimeEntryRow } from './loaders.js';
import { accountListKey, encodeEntryCursor, parseEntryPageRequest, projectListKey, type ListKey } from './pagination.js';
import { selectsSubfield } from '../selection.js';
import { loadVisibleTask } from '../task/visibility.js';
import { canSeeEntry, entryFilterOf } from './rules.js';
import { loadTimeReport, type ReportRow } from './report.js';
import { deleteTimeEntry, logTime, startTimer, stopTimer, timeEntryNotFound, type LogTimeFields, type StartTimerFields } from './service.js';

type Context = SubgraphContext<WorkLoaders>;

/** The source object of a TimeEntryConnection: one page of one list. */
interface ConnectionSource {
  list: ListKey;
  page: EntryPage;
  hasPreviousPage: boolean;
  /** Counts the whole list. Only a query that selects `totalCount` calls it. */
  countAll(): Promise<number>;
}

/** The `input` argument of logTime, before `accountId` defaults to the viewer. */
type LogTimeArgument = Omit<LogTimeFields, 'accountId' | 'accountNamed'> & { taskId: string; accountId?: string | null };

function entryPayload(result: TimeEntryRow | UserError[] | null) {
  return Array.isArray(result) ? { timeEntry: null, userErrors: result } : { timeEntry: result, userErrors: [] };
}

/** Loads the task and project access that the mutation's rule has already checked, from the request's loaders. */
async function loadTrackedTask(taskId: string, context: Context) {
  const task = (await context.loaders.tasksById.load(taskId))!;
  const access = (await context.loaders.projectAccessById.load(task.projectId))!;
  return { task, access };
}

async function loadProjectAccess(projectId: string, context: Context) {
  const access = await context.loaders.projectAccessById.load(projectId);
  if (!access) throw new Error(`No project "${projectId}" for a time entry or task of the work subgraph.`);
  return access;
}

function checkDateRange(from: string | null, to: string | null): void {
  // Dates in ISO 8601 compare like their text.
  if (from !== null && to !== null && from > to) {
    throw codedError('BAD_USER_INPUT', `Invalid range: "from" ${JSON.stringify(from)} is after "to" ${JSON.stringify(to)}; pass from <= to, or leave one out.`);
  }
}

/** Resolvers of the fields that time tracking adds to Query, Mutation, Task and Project. ../resolvers.ts spreads each into its type. */
export const timeFieldResolvers = {
  Query: {
    myTimeEntries: async (
      _parent: unknown,
      args: { from?: string | null; to?: string | null; first?: number; after?: string | null },
      context: Context,
      info?: GraphQLResolveInfo,
    ): Promise<ConnectionSource> => {
      const range = { from: args.from ?? null, to: args.to ?? null };
      checkDateRange(range.from, range.to);
      const list = accountListKey(context.viewer!.accountId, range.from, range.to);
      const request = parseEntryPageRequest(list, args.first, args.after);
      const page = await context.loaders.viewerEntryPages.load({
        ...range,
        ...request,
        withTotal: selectsSubfield(info, 'totalCount'),
        withTasks: selectsSubfield(info, 'nodes', 'task') || selectsSubfield(info, 'edges', 'node', 'task'),
      });
      // The page's statement also read these facts, so the rules of each entry and its task
      // need not read them again.
      for (const [taskId, assigned] of page.viewerAssignedByTaskId) context.loaders.viewerIsAssignedByTaskId.prime(taskId, assigned);
      for (const task of page.tasks) context.loaders.tasksById.prime(task.id, task);
      const total = page.total;
      return { list, page, hasPreviousPage: request.after !== null, countAll: () => (total === null ? context.loaders.viewerEntryCounts.load(range) : Promise.resolve(total)) };
    },
  },

  Mutation: {
    logTime: async (_parent: unknown, { input }: { input: LogTimeArgument }, context: Context) => {
      const { task, access } = await loadTrackedTask(parseId(input.taskId, 'input.taskId'), context);
      const accountNamed = input.accountId !== null && input.accountId !== undefined;
      const accountId = accountNamed ? parseId(input.accountId, 'input.accountId') : context.viewer!.accountId;
      return entryPayload(await logTime(context.db, context.viewer!, task, access, { ...input, accountId, accountNamed }));
    },

    startTimer: async (_parent: unknown, { input }: { input: StartTimerFields & { taskId: string } }, context: Context) => {
      const { task, access } = await loadTrackedTask(parseId(input.taskId, 'input.taskId'), context);
      return entryPayload(await startTimer(context.db, context.viewer!, task, access, input));
    },

    stopTimer: async (_parent: unknown, _args: unknown, context: Context) => {
      const result = await stopTimer(context.db, context.viewer!);
      if (Array.isArray(result)) return entryPayload(result);
      // The timer may run in a project that the viewer has left since starting it.
      return entryPayload((await canSeeEntry(result, context)) ? result : null);
    },

    deleteTimeEntry: async (_parent: unknown, { input }: { input: { timeEntryId: string } }, context: Context) => {
      const id = parseId(input.timeEntryId, 'input.timeEntryId');
      const entry = await context.loaders.timeEntriesById.load(id);
      if (!entry || !(await canSeeEntry(entry, context))) return entryPayload([timeEntryNotFound(id)]);
      return entryPayload(await deleteTimeEntry(context.db, entry, await loadProjectAccess(entry.projectId, context)));
    },
  },

  Task: {
    timeEntries: async (task: TaskRow, _args: unknown, context: Context): Promise<TimeEntryRow[]> => {
      const access = await context.loaders.projectAccessById.load(task.projectId);
      const filter = entryFilterOf(access);
      if (!filter) throw forbidden();
      if (filter.assignedOnly && !(await context.loaders.viewerIsAssignedByTaskId.load(task.id))) return [];

      const entries = await context.loaders.timeEntriesByTaskId.load(task.id);
      return filter.ownOnly ? entries.filter((entry) => entry.accountId === context.viewer!.accountId) : entries;
    },
  },

  Project: {
    timeEntries: async (project: { id: string }, args: { first?: number; after?: string | null }, context: Context): Promise<ConnectionSource> => {
      const filter = entryFilterOf(await context.loaders.projectAccessById.load(project.id));
      if (!filter) throw forbidden();

      const list = projectListKey(project.id);
      const request = parseEntryPageRequest(list, args.first, args.after);
      const key = { projectId: project.id, ...filter };
      const page = await context.loaders.projectEntryPages.load({ ...key, ...request });
      return { list, page, hasPreviousPage: request.after !== null, countAll: () => context.loaders.projectEntryCounts.load(key) };
    },
  },
};

/** Resolvers of the types that time tracking adds. ../resolvers.ts spreads them into the resolver map. */
export const timeTypeResolvers = {
  Workspace: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    timeReport: (workspace: { id: string }, args: { from: string; to: string }, context: Context) => loadTimeReport(workspace.id, args.from, args.to, context),
  },
  TimeReportProjectTotal: {
    project: (total: { projectId: string }) => ({ __typename: 'Project', id: total.projectId }),
  },
  TimeReportPersonTotal: {
    account: (total: { accountId: string }) => ({ __typename: 'Account', id: total.accountId }),
  },
  TimeReportRow: {
    project: (row: ReportRow) => ({ __typename: 'Project', id: row.projectId }),
    task: (row: ReportRow, _args: unknown, context: Context) => loadVisibleTask(row.taskId, context),
    account: (row: ReportRow) => ({ __typename: 'Account', id: row.accountId }),
  },
  TimeEntry: {
    __resolveReference: async (reference: { id: string }, context: Context) => {
      const entry = await context.loaders.timeEntriesById.load(reference.id);
      return entry && (await canSeeEntry(entry, context)) ? entry : null;
    },
    task: (entry: TimeEntryRow, _args: unknown, context: Context) => context.loaders.tasksById.load(entry.taskId),
    project: (entry: TimeEntryRow) => ({ __typename: 'Project', id: entry.projectId }),
    account: (entry: TimeEntryRow) => ({ __typename: 'Account', id: entry.accountId }),
    ownerWorkspace: async (entry: TimeEntryRow, _args: unknown, context: Context) => ({
      __typename: 'Workspace',
      id: (await loadProjectAccess(entry.projectId, context)).workspaceId,
    }),
    isRunning: (entry: TimeEntryRow) => entry.durationMinutes === null,
    createdBy: (entry: TimeEntryRow) => ({ __typename: 'Account', id: entry.createdBy }),
  },

  TimeEntryConnection: {
    edges: (source: ConnectionSource) => source.page.entries.map(({ entry, position }) => ({ cursor: encodeEntryCursor(source.list, position), node: entry })),
    nodes: (source: ConnectionSource) => source.page.entries.map(({ entry }) => entry),
    pageInfo: (source: ConnectionSource) => {
      const { entries } = source.page;
      const first = entries[0];
      const last = entries[entries.length - 1];
      return {
        hasNextPage: source.page.hasNextPage,
        hasPreviousPage: source.hasPreviousPage,
        startCursor: first ? encodeEntryCursor(source.list, first.position) : null,
        endCursor: last ? encodeEntryCursor(source.list, last.position) : null,
      };
    },
    totalCount: (source: ConnectionSource) => source.countAll(),
  },
};
