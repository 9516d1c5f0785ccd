import type { SubgraphContext } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { accessRule, allow, isAuthenticated } from '../../common/shield.js';
import type { WorkLoaders } from '../loaders.js';
import type { PrivateTaskRow } from './loaders.js';
import { loadVisiblePrivateTask } from './visibility.js';

type Context = SubgraphContext<WorkLoaders>;

/** Allows the owner of the parent private task and those it is shared with. */
const canSeePrivateTask = accessRule<Context>('canSeePrivateTask', 'strict', async (task: PrivateTaskRow, _args, context) =>
  (await loadVisiblePrivateTask(task.id, context)) ? true : forbidden(),
);

/**
 * Rules of the root fields of private tasks. The mutations check ownership themselves and return
 * PRIVATE_TASK_NOT_FOUND for a task the viewer may not see, just as for an ID of no task, so
 * that they do not reveal that it exists.
 */
export const privateFieldRules = {
  Query: { myPrivateTasks: isAuthenticated, privateTask: isAuthenticated },
  Mutation: {
    createPrivateTask: isAuthenticated,
    updatePrivateTask: isAuthenticated,
    deletePrivateTask: isAuthenticated,
    sharePrivateTask: isAuthenticated,
    unsharePrivateTask: isAuthenticated,
  },
};

export const privateTypeRules = {
  PrivateTask: canSeePrivateTask,
  PrivateTaskConnection: isAuthenticated,
  PrivateTaskEdge: isAuthenticated,
  PrivateTaskPayload: allow,
};
