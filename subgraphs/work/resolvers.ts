import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphContext } from '../common/context.js';
import type { UserError } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { DateScalar, DateTimeScalar } from '../common/scalars.js';
import type { AssigneeRow, TaskPage, TaskRow, WorkLoaders } from './loaders.js';
import { encodeCursor, parsePageRequest } from './task/pagination.js';
import { selectsSubfield } from './selection.js';
import { loadVisibleTask } from './task/visibility.js';
import { assignTask, createTask, unassignTask, updateTask } from './task/service.js';
import { timeFieldResolvers, timeTypeResolvers } from './time/resolvers.js';
import { explainFieldResolvers } from './explain/resolvers.js';
import { privateFieldResolvers, privateTypeResolvers } from './private/resolvers.js';
import { calendarFieldResolvers, calendarTypeResolvers } from './calendar/resolvers.js';
import { commentFieldResolvers, commentTypeResolvers } from './comment/resolvers.js';
import { activityFieldResolvers, activityTypeResolvers } from './activity/resolvers.js';
import { followFieldResolvers } from './follow/resolvers.js';
import { notificationFieldResolvers, notificationTypeResolvers } from './notification/resolvers.js';

type Context = SubgraphContext<WorkLoaders>;

function taskPayload(result: TaskRow | UserError[]) {
  return Array.isArray(result) ? { task: null, userErrors: result } : { task: result, userErrors: [] };
}

/** Loads the task and project access that the mutation's rule has already checked, from the request's loaders. */
async function loadEditableTask(taskId: string, context: Context) {
  const task = (await context.loaders.tasksById.load(taskId))!;
  const access = (await context.loaders.projectAccessById.load(task.projectId))!;
  return { task, access };
}

interface ConnectionSource {
  projectId: string;
  page: TaskPage;
  afterSeq: number;
  /** Whether the list holds only the viewer's assigned tasks. */
  assignedOnly: boolean;
}

export const workResolvers: GraphQLResolverMap<Context> = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  TaskStatus: { TODO: 'todo', IN_PROGRESS: 'in_progress', DONE: 'done', CANCELLED: 'cancelled' },

  Query: {
    ...timeFieldResolvers.Query,
    task: (_parent, { id }, context) => loadVisibleTask(parseId(id, 'id'), context),
    ...explainFieldResolvers.Query,
    ...privateFieldResolvers.Query,
    ...calendarFieldResolvers.Query,
    ...notificationFieldResolvers.Query,
  },

  Mutation: {
    ...timeFieldResolvers.Mutation,
    ...privateFieldResolvers.Mutation,
    ...calendarFieldResolvers.Mutation,
    ...commentFieldResolvers.Mutation,
    ...followFieldResolvers.Mutation,
    ...notificationFieldResolvers.Mutation,
    createTask: async (_parent, { input }, context) => {
      const access = (await context.loaders.projectAccessById.load(parseId(input.projectId, 'input.projectId')))!;
      return taskPayload(await createTask(context.db, context.viewer!, access, input));
    },
    updateTask: async (_parent, { input }, context) => {
      const { task, access } = await loadEditableTask(parseId(input.taskId, 'input.taskId'), context);
      return taskPayload(await updateTask(context.db, context.viewer!, task, access, input));
    },
    assignTask: async (_parent, { input }, context) => {
      const { task, access } = await loadEditableTask(parseId(input.taskId, 'input.taskId'), context);
      return taskPayload(await assignTask(context.db, context.viewer!, task, access, parseId(input.accountId, 'input.accountId')));
    },
    unassignTask: async (_parent, { input }, context) => {
      const { task, access } = await loadEditableTask(parseId(input.taskId, 'input.taskId'), context);
      return taskPayload(await unassignTask(context.db, context.viewer!, task, access, parseId(input.accountId, 'input.accountId')));
    },
  },

  Task: {
    ...timeFieldResolvers.Task,
    ...commentFieldResolvers.Task,
    ...activityFieldResolvers.Task,
    ...followFieldResolvers.Task,
    __resolveReference: (reference: { id: string }, context: Context) => loadVisibleTask(reference.id, context),
    project: (task: TaskRow) => ({ __typename: 'Project', id: task.projectId }),
    assignees: async (task: TaskRow, _args, context) =>
      (await context.loaders.assigneesByTaskId.load(task.id)).map((assignee) => ({ __typename: 'Account', id: assignee.accountId })),
    assignments: (task: TaskRow, _args, context) => context.loaders.assigneesByTaskId.load(task.id),
    createdBy: (task: TaskRow) => ({ __typename: 'Account', id: task.createdBy }),
  },

  Project: {
    ...timeFieldResolvers.Project,
    ...commentFieldResolvers.Project,
    ...activityFieldResolvers.Project,
    __resolveReference: async (reference: { id: string }, context: Context) =>
      (await context.loaders.projectAccessById.load(reference.id))?.canSee ? { id: reference.id } : null,
    tasks: async (project: { id: string }, { first, after }, context, info): Promise<ConnectionSource> => {
      const request = parsePageRequest(project.id, first, after);
      const access = await context.loaders.projectAccessById.load(project.id);
      const assignedOnly = !access?.seesAllTasks;
      const page = await context.loaders.taskPages.load({
        projectId: project.id,
        ...request,
        assigneeId: assignedOnly ? context.viewer!.accountId : null,
        withTotal: selectsSubfield(info, 'totalCount'),
        withAssignees: ['assignees', 'assignments'].some((field) => selectsSubfield(info, 'nodes', field) || selectsSubfield(info, 'edges', 'node', field)),
      });
      // Each task's field rules load it by id again; priming saves that statement.
      for (const task of page.tasks) context.loaders.tasksById.prime(task.id, task);
      // A page limited to assigned tasks contains only tasks assigned to the viewer, so the
      // rule of each task need not read the assignment again.
      if (assignedOnly) for (const task of page.tasks) context.loaders.viewerIsAssignedByTaskId.prime(task.id, true);
      for (const [taskId, assignees] of page.assignees ?? []) context.loaders.assigneesByTaskId.prime(taskId, assignees);
      return { projectId: project.id, page, afterSeq: request.afterSeq, assignedOnly };
    },
  },

  ...timeTypeResolvers,
  ...privateTypeResolvers,
  ...calendarTypeResolvers,
  ...commentTypeResolvers,
  ...activityTypeResolvers,
  ...notificationTypeResolvers,

  TaskAssignment: {
    account: (assignment: AssigneeRow) => ({ __typename: 'Account', id: assignment.accountId }),
    isProjectMember: async (assignment: AssigneeRow, _args, context) => {
      const task = await context.loaders.tasksById.load(assignment.taskId);
      return task ? context.loaders.isProjectMemberByPair.load(`${task.projectId}:${assignment.accountId}`) : false;
    },
    assignedAt: (assignment: AssigneeRow) => assignment.createdAt,
  },

  TaskConnection: {
    edges: (source: ConnectionSource) => source.page.tasks.map((task) => ({ cursor: encodeCursor(source.projectId, task.seq), node: task })),
    nodes: (source: ConnectionSource) => source.page.tasks,
    pageInfo: (source: ConnectionSource) => {
      const { tasks } = source.page;
      return {
        hasNextPage: source.page.hasNextPage,
        hasPreviousPage: source.afterSeq > 0,
        startCursor: tasks.length > 0 ? encodeCursor(source.projectId, tasks[0]!.seq) : null,
        endCursor: tasks.length > 0 ? encodeCursor(source.projectId, tasks[tasks.length - 1]!.seq) : null,
      };
    },
    totalCount: (source: ConnectionSource, _args, context) =>
      source.page.total ?? (source.assignedOnly ? context.loaders.viewerAssignedTaskCountsByProjectId : context.loaders.taskCountsByProjectId).load(source.projectId),
  },
};
