import type { SubgraphContext } from '../../common/context.js';
import { userError, type UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import type { TaskRow, WorkLoaders } from '../loaders.js';
import { loadVisibleTask } from '../task/visibility.js';
import { follow, unfollow } from './service.js';

type Context = SubgraphContext<WorkLoaders>;

/** Runs `change` on the task that `input.taskId` names, or returns TASK_NOT_FOUND when the viewer may not see it. */
async function withVisibleTask(rawId: unknown, context: Context, change: (task: TaskRow) => Promise<UserError[]>) {
  const id = parseId(rawId, 'input.taskId');
  const task = await loadVisibleTask(id, context);
  if (!task) return { task: null, userErrors: [userError('TASK_NOT_FOUND', ['input', 'taskId'], `No task "${id}" exists that you may see.`)] };
  const userErrors = await change(task);
  if (userErrors.length > 0) return { task: null, userErrors };
  context.loaders.followerIdsByTaskId.clear(task.id);
  return { task, userErrors };
}

export const followFieldResolvers = {
  Mutation: {
    followTask: (_parent: unknown, { input }: { input: { taskId: unknown } }, context: Context) =>
      withVisibleTask(input.taskId, context, async (task) => {
        const access = await context.loaders.projectAccessById.load(task.projectId);
        if (!access?.isMember) {
          return [userError('NOT_A_PROJECT_MEMBER', ['input', 'taskId'], "Only members of the task's project can follow it; ask a project manager to add you.")];
        }
        await follow(context.db, task, [context.viewer!.accountId]);
        return [];
      }),
    unfollowTask: (_parent: unknown, { input }: { input: { taskId: unknown } }, context: Context) =>
      withVisibleTask(input.taskId, context, async (task) => {
        await unfollow(context.db, task.id, context.viewer!.accountId);
        return [];
      }),
  },
  Task: {
    viewerIsFollowing: async (task: TaskRow, _args: unknown, context: Context) =>
      (await context.loaders.followerIdsByTaskId.load(task.id)).includes(context.viewer!.accountId),
    followers: async (task: TaskRow, _args: unknown, context: Context) =>
      (await context.loaders.followerIdsByTaskId.load(task.id)).map((id) => ({ __typename: 'Account', id })),
  },
};
