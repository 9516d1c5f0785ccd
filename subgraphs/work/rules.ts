import type { SubgraphContext } from '../common/context.js';
import { forbidden } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { accessRule, allow, federationRules, isAuthenticated } from '../common/shield.js';
import type { WorkLoaders } from './loaders.js';
import { timeFieldRules, timeTypeRules } from './time/rules.js';
import { loadVisibleTask } from './task/visibility.js';
import { explainFieldRules, explainTypeRules } from './explain/resolvers.js';
import { privateFieldRules, privateTypeRules } from './private/rules.js';
import { calendarFieldRules, calendarTypeRules } from './calendar/rules.js';
import { commentFieldRules, commentTypeRules } from './comment/rules.js';
import { activityTypeRules } from './activity/rules.js';
import { followFieldRules, followTypeRules } from './follow/rules.js';
import { notificationFieldRules, notificationTypeRules } from './notification/rules.js';

type Context = SubgraphContext<WorkLoaders>;

/** Allows a viewer who may see the parent task: its project, and the task itself when their role limits them to assigned tasks. */
const canSeeTask = accessRule<Context>('canSeeTask', 'strict', async (task, _args, context) => ((await loadVisibleTask(task.id, context)) ? true : forbidden()));

/** Allows a viewer who may see the parent project. */
const canSeeProject = accessRule<Context>('canSeeProject', 'strict', async (project, _args, context) =>
  (await context.loaders.projectAccessById.load(project.id))?.canSee ? true : forbidden(),
);

/** Allows a viewer who may add tasks to the project that `input.projectId` names. */
const canEditInputProject = accessRule<Context>('canEditInputProject', 'strict', async (_parent, args, context) => {
  const access = await context.loaders.projectAccessById.load(parseId(args.input?.projectId, 'input.projectId'));
  return access?.canEditTasks ? true : forbidden();
});

/** Allows a viewer who sees the task that `input.taskId` names and may change its project's tasks. */
const canEditInputTask = accessRule<Context>('canEditInputTask', 'strict', async (_parent, args, context) => {
  const task = await loadVisibleTask(parseId(args.input?.taskId, 'input.taskId'), context);
  const access = task ? await context.loaders.projectAccessById.load(task.projectId) : null;
  return access?.canEditTasks ? true : forbidden();
});

export const workRules = {
  ...federationRules,
  Query: { ...federationRules.Query, task: isAuthenticated, ...timeFieldRules.Query, ...explainFieldRules.Query, ...privateFieldRules.Query, ...calendarFieldRules.Query, ...notificationFieldRules.Query },
  Mutation: {
    ...timeFieldRules.Mutation,
    ...privateFieldRules.Mutation,
    ...calendarFieldRules.Mutation,
    ...commentFieldRules.Mutation,
    ...followFieldRules.Mutation,
    ...notificationFieldRules.Mutation,
    createTask: canEditInputProject,
    updateTask: canEditInputTask,
    assignTask: canEditInputTask,
    unassignTask: canEditInputTask,
  },
  Task: canSeeTask,
  Project: canSeeProject,
  Account: isAuthenticated,
  TaskAssignment: isAuthenticated,
  TaskConnection: isAuthenticated,
  TaskEdge: isAuthenticated,
  PageInfo: isAuthenticated,
  TaskPayload: allow,
  UserError: allow,
  ...timeTypeRules,
  ...explainTypeRules,
  ...privateTypeRules,
  ...calendarTypeRules,
  ...commentTypeRules,
  ...activityTypeRules,
  ...followTypeRules,
  ...notificationTypeRules,
};
