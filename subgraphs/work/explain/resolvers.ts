import type { SubgraphContext } from '../../common/context.js';
import { explainedMember, projectReasons, requestAs, type AccessExplanation, type AccessReason } from '../../common/access-explanation.js';
import { forbidden, unauthenticated } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import { accessRule, isAuthenticated } from '../../common/shield.js';
import { createWorkLoaders, type WorkLoaders } from '../loaders.js';
import { loadVisibleTask } from '../task/visibility.js';

type Context = SubgraphContext<WorkLoaders>;

/**
 * Explains whether `accountId` sees the task. `allowed` comes from the very function that
 * answers that account's own `task(id)`, run with loaders built for that account.
 */
export async function explainTaskAccess(taskId: string, accountId: string, context: Context): Promise<AccessExplanation | null> {
  const task = await context.loaders.tasksById.load(taskId);
  if (!task) return null;

  const memberRequest = requestAs(context, accountId);
  const memberContext: Context = { ...memberRequest, loaders: createWorkLoaders(memberRequest) };
  const [visible, access, assigned] = await Promise.all([
    loadVisibleTask(taskId, memberContext),
    memberContext.loaders.projectAccessById.load(task.projectId),
    memberContext.loaders.viewerIsAssignedByTaskId.load(taskId),
  ]);

  const reasons: AccessReason[] = projectReasons(access);
  if (access?.canSee && access.workspaceRole !== 'admin') {
    if (access.seesAllTasks) {
      reasons.push({ code: 'ROLE_SEES_ALL_TASKS', message: 'The member\'s project role shows every task of the project.' });
    } else {
      reasons.push({ code: 'ROLE_LIMITED_TO_ASSIGNED_TASKS', message: 'The member\'s project role shows only the tasks they are assigned to.' });
    }
  }
  if (assigned) reasons.push({ code: 'ASSIGNED_TO_TASK', message: 'The account is assigned to the task.' });
  else if (access?.canSee && !access.seesAllTasks) reasons.push({ code: 'NOT_ASSIGNED_TO_TASK', message: 'The account is not assigned to the task, so their role hides it.' });

  return { allowed: visible !== null, reasons, member: explainedMember(task.projectId, accountId) };
}

export const explainFieldResolvers = {
  Query: {
    explainTaskAccess: (_parent: unknown, args: { taskId: string; accountId: string }, context: Context) =>
      explainTaskAccess(parseId(args.taskId, 'taskId'), parseId(args.accountId, 'accountId'), context),
  },
};

/** Allows an admin of the host workspace of the project of the task that the `taskId` argument names. */
const isHostAdminOfArgumentTask = accessRule<Context>('isHostAdminOfArgumentTask', 'strict', async (_parent, args, context) => {
  if (!context.viewer) return unauthenticated();
  parseId(args.accountId, 'accountId');
  const task = await context.loaders.tasksById.load(parseId(args.taskId, 'taskId'));
  const access = task ? await context.loaders.projectAccessById.load(task.projectId) : null;
  return access?.workspaceRole === 'admin' ? true : forbidden();
});

/** Shield rules of the explain root fields; spread into the work rule map's Query. */
export const explainFieldRules = {
  Query: { explainTaskAccess: isHostAdminOfArgumentTask },
};

/** Shield rules of the explain types, reachable only through the guarded root field. */
export const explainTypeRules = {
  AccessExplanation: isAuthenticated,
  AccessReason: isAuthenticated,
  ExplainedProjectMember: isAuthenticated,
};
