import type { SubgraphContext } from '../../common/context.js';
import type { TaskRow, WorkLoaders } from '../loaders.js';
import { loadVisibleComment } from '../comment/visibility.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { ActivityPage, ActivityRow } from './loaders.js';
import { encodeActivityCursor, parseActivityPageRequest } from './pagination.js';

type Context = SubgraphContext<WorkLoaders>;

type PageArgs = { first?: number; after?: string | null };

interface ConnectionSource {
  scopeId: string;
  page: ActivityPage;
  hasPreviousPage: boolean;
}

/** Loads one page of a history; the type rule of the parent (Project or Task) has checked that the viewer sees it. */
async function loadConnection(projectId: string, taskId: string | null, args: PageArgs, context: Context): Promise<ConnectionSource> {
  const scopeId = taskId ?? projectId;
  const request = parseActivityPageRequest(scopeId, args.first, args.after);
  const access = (await context.loaders.projectAccessById.load(projectId))!;
  const page = await context.loaders.activityPages.load({
    projectId,
    taskId,
    viewerId: context.viewer!.accountId,
    seesAllTasks: access.seesAllTasks,
    includeInternal: !access.isExternal,
    seesOthersTime: access.canSeeOthersTime,
    ...request,
  });
  return { scopeId, page, hasPreviousPage: request.after !== null };
}

const account = (id: string | null) => (id ? { __typename: 'Account', id } : null);

/** Resolvers of the fields that activity adds to Project and Task, spread in by ../resolvers.ts. */
export const activityFieldResolvers = {
  Project: {
    activity: (project: { id: string }, args: PageArgs, context: Context) => loadConnection(project.id, null, args, context),
  },
  Task: {
    activity: (task: TaskRow, args: PageArgs, context: Context) => loadConnection(task.projectId, task.id, args, context),
  },
};

/** Resolvers of the activity types, spread into the resolver map by ../resolvers.ts. */
export const activityTypeResolvers = {
  ActivityKind: {
    TASK_CREATED: 'task_created',
    STATUS_CHANGED: 'status_changed',
    ASSIGNED: 'assigned',
    UNASSIGNED: 'unassigned',
    DUE_DATE_CHANGED: 'due_date_changed',
    COMMENTED: 'commented',
    TIME_TRACKED: 'time_tracked',
    MEMBER_ADDED: 'member_added',
    MEMBER_REMOVED: 'member_removed',
  },
  ActivityEvent: {
    occurredAt: (event: ActivityRow) => event.occurredAt,
    actor: (event: ActivityRow) => account(event.actorAccountId),
    project: (event: ActivityRow) => ({ __typename: 'Project', id: event.projectId }),
    task: (event: ActivityRow, _args: unknown, context: Context) => (event.taskId ? loadVisibleTask(event.taskId, context) : null),
    comment: (event: ActivityRow, _args: unknown, context: Context) => (event.commentId ? loadVisibleComment(event.commentId, context) : null),
    account: (event: ActivityRow) => account(event.subjectAccountId),
    fromStatus: (event: ActivityRow) => (event.kind === 'status_changed' ? event.fromValue : null),
    toStatus: (event: ActivityRow) => (event.kind === 'status_changed' ? event.toValue : null),
    fromDueDate: (event: ActivityRow) => (event.kind === 'due_date_changed' ? event.fromValue : null),
    toDueDate: (event: ActivityRow) => (event.kind === 'due_date_changed' ? event.toValue : null),
    durationMinutes: (event: ActivityRow) => (event.kind === 'time_tracked' && event.toValue !== null ? Number(event.toValue) : null),
  },
  ActivityConnection: {
    edges: (source: ConnectionSource) => source.page.events.map((event) => ({ cursor: encodeActivityCursor(source.scopeId, event.position), node: event })),
    nodes: (source: ConnectionSource) => source.page.events,
    pageInfo: (source: ConnectionSource) => {
      const list = source.page.events;
      return {
        hasNextPage: source.page.hasNextPage,
        hasPreviousPage: source.hasPreviousPage,
        startCursor: list.length > 0 ? encodeActivityCursor(source.scopeId, list[0]!.position) : null,
        endCursor: list.length > 0 ? encodeActivityCursor(source.scopeId, list[list.length - 1]!.position) : null,
      };
    },
  },
};
