import type { SubgraphContext } from '../../common/context.js';
import { userError, type UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import type { TaskFields } from '../task/service.js';
import type { WorkLoaders } from '../loaders.js';
import type { PrivateTaskPage, PrivateTaskRow } from './loaders.js';
import { encodePrivateCursor, parsePrivatePageRequest } from './pagination.js';
import { createPrivateTask, deletePrivateTask, sharePrivateTask, unsharePrivateTask, updatePrivateTask } from './service.js';
import { loadVisiblePrivateTask } from './visibility.js';

type Context = SubgraphContext<WorkLoaders>;

interface ConnectionSource {
  accountId: string;
  page: PrivateTaskPage;
  hasPreviousPage: boolean;
}

function payload(result: PrivateTaskRow | UserError[]) {
  return Array.isArray(result) ? { privateTask: null, userErrors: result } : { privateTask: result, userErrors: [] };
}

/** Loads the private task that `input.privateTaskId` names for a change only its owner may make, or the user error. */
async function loadOwnedTask(rawId: unknown, context: Context): Promise<PrivateTaskRow | UserError[]> {
  const id = parseId(rawId, 'input.privateTaskId');
  const task = await loadVisiblePrivateTask(id, context);
  if (!task) return [userError('PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId'], `No private task "${id}" exists that you may see.`)];
  if (task.ownerAccountId !== context.viewer!.accountId) {
    return [userError('NOT_PRIVATE_TASK_OWNER', ['input', 'privateTaskId'], 'This private task was shared with you to read; only its owner may change, delete or share it.')];
  }
  return task;
}

async function withOwnedTask(rawId: unknown, context: Context, change: (task: PrivateTaskRow) => Promise<PrivateTaskRow | UserError[]>) {
  const task = await loadOwnedTask(rawId, context);
  return payload(Array.isArray(task) ? task : await change(task));
}

/** Resolvers of the root fields of private tasks, spread into Query and Mutation by ../resolvers.ts. */
export const privateFieldResolvers = {
  Query: {
    myPrivateTasks: async (_parent: unknown, args: { first?: number; after?: string | null }, context: Context): Promise<ConnectionSource> => {
      const accountId = context.viewer!.accountId;
      const request = parsePrivatePageRequest(accountId, args.first, args.after);
      const page = await context.loaders.privateTaskPages.load(request);
      // Each task's field rule loads it by id again; priming saves that statement.
      for (const task of page.tasks) context.loaders.privateTasksById.prime(task.id, task);
      return { accountId, page, hasPreviousPage: request.beforeSeq !== null };
    },
    privateTask: (_parent: unknown, { id }: { id: string }, context: Context) => loadVisiblePrivateTask(parseId(id, 'id'), context),
  },

  Mutation: {
    createPrivateTask: async (_parent: unknown, { input }: { input: TaskFields & { title: string } }, context: Context) =>
      payload(await createPrivateTask(context.db, context.viewer!, input)),
    updatePrivateTask: (_parent: unknown, { input }: { input: TaskFields & { privateTaskId: string } }, context: Context) =>
      withOwnedTask(input.privateTaskId, context, (task) => updatePrivateTask(context.db, task, input)),
    deletePrivateTask: (_parent: unknown, { input }: { input: { privateTaskId: string } }, context: Context) =>
      withOwnedTask(input.privateTaskId, context, (task) => deletePrivateTask(context.db, task)),
    sharePrivateTask: (_parent: unknown, { input }: { input: { privateTaskId: string; accountId: string } }, context: Context) => {
      const accountId = parseId(input.accountId, 'input.accountId');
      return withOwnedTask(input.privateTaskId, context, (task) => sharePrivateTask(context.db, context.viewer!, task, accountId));
    },
    unsharePrivateTask: (_parent: unknown, { input }: { input: { privateTaskId: string; accountId: string } }, context: Context) => {
      const accountId = parseId(input.accountId, 'input.accountId');
      return withOwnedTask(input.privateTaskId, context, (task) => unsharePrivateTask(context.db, task, accountId));
    },
  },
};

/** Resolvers of the types of private tasks, spread into the resolver map by ../resolvers.ts. */
export const privateTypeResolvers = {
  PrivateTask: {
    owner: (task: PrivateTaskRow) => ({ __typename: 'Account', id: task.ownerAccountId }),
    workspace: (task: PrivateTaskRow) => ({ __typename: 'Workspace', id: task.workspaceId }),
    viewerIsOwner: (task: PrivateTaskRow, _args: unknown, context: Context) => task.ownerAccountId === context.viewer?.accountId,
    sharedWith: async (task: PrivateTaskRow, _args: unknown, context: Context) =>
      (await context.loaders.sharesByPrivateTaskId.load(task.id)).map((share) => ({ __typename: 'Account', id: share.accountId })),
  },

  PrivateTaskConnection: {
    edges: (source: ConnectionSource) => source.page.tasks.map((task) => ({ cursor: encodePrivateCursor(source.accountId, task.seq), node: task })),
    nodes: (source: ConnectionSource) => source.page.tasks,
    pageInfo: (source: ConnectionSource) => {
      const { tasks } = source.page;
      return {
        hasNextPage: source.page.hasNextPage,
        hasPreviousPage: source.hasPreviousPage,
        startCursor: tasks.length > 0 ? encodePrivateCursor(source.accountId, tasks[0]!.seq) : null,
        endCursor: tasks.length > 0 ? encodePrivateCursor(source.accountId, tasks[tasks.length - 1]!.seq) : null,
      };
    },
    totalCount: (_source: ConnectionSource, _args: unknown, context: Context) => context.loaders.privateTaskCount.load('all'),
  },
};
