import type { SubgraphContext } from '../common/context.js';
import { forbidden } from '../common/errors.js';
import { parseId } from '../common/ids.js';
import { accessRule, allow, federationRules, isAuthenticated } from '../common/shield.js';
import type { WorkLoaders } from './loaders.js';

type Context = SubgraphContext<WorkLoaders>;

async function canSee(projectId: string, context: Context): Promise<true | Error> {
  return (await context.loaders.projectAccessById.load(projectId))?.canSee ? true : forbidden();
}

/** The viewer may see the parent task's project. */
const canSeeTask = accessRule<Context>('canSeeTask', 'strict', (task, _args, context) => canSee(task.projectId, context));

/** The viewer may see the parent project. */
const canSeeProject = accessRule<Context>('canSeeProject', 'strict', (project, _args, context) => canSee(project.id, context));

/** The viewer may add tasks to the project that `input.projectId` names. */
const canEditInputProject = accessRule<Context>('canEditInputProject', 'strict', async (_parent, args, context) => {
  const access = await context.loaders.projectAccessById.load(parseId(args.input?.projectId, 'input.projectId'));
  return access?.canEdit ? true : forbidden();
});

/** The viewer may change the task that `input.taskId` names. */
const canEditInputTask = accessRule<Context>('canEditInputTask', 'strict', async (_parent, args, context) => {
  const task = await context.loaders.tasksById.load(parseId(args.input?.taskId, 'input.taskId'));
  const access = task ? await context.loaders.projectAccessById.load(task.projectId) : null;
  return access?.canEdit ? true : forbidden();
});

export const workRules = {
  ...federationRules,
  Query: { ...federationRules.Query, task: isAuthenticated },
  Mutation: {
    createTask: canEditInputProject,
    updateTask: canEditInputTask,
    assignTask: canEditInputTask,
    unassignTask: canEditInputTask,
  },
  Task: canSeeTask,
  Project: canSeeProject,
  Account: isAuthenticated,
  TaskConnection: isAuthenticated,
  TaskEdge: isAuthenticated,
  PageInfo: isAuthenticated,
  TaskPayload: allow,
  UserError: allow,
};
