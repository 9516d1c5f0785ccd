import type { SubgraphContext } from '../../common/context.js';
import { userError, type UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import type { TaskRow, WorkLoaders } from '../loaders.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { CommentPage, CommentRow } from './loaders.js';
import { encodeCommentCursor, parseCommentPageRequest } from './pagination.js';
import { createComment, deleteComment, updateComment, type CreateCommentFields } from './service.js';
import { loadVisibleComment } from './visibility.js';

type Context = SubgraphContext<WorkLoaders>;

interface ConnectionSource {
  scopeId: string;
  onTask: boolean;
  includeInternal: boolean;
  page: CommentPage;
  afterSeq: number;
}

type PageArgs = { first?: number; after?: string | null };

function payload(result: CommentRow | UserError[]) {
  return Array.isArray(result) ? { comment: null, userErrors: result } : { comment: result, userErrors: [] };
}

/** Loads one page of a list; the type rule of the parent (Project or Task) has checked that the viewer sees it. */
async function loadConnection(scopeId: string, onTask: boolean, projectId: string, args: PageArgs, context: Context): Promise<ConnectionSource> {
  const request = parseCommentPageRequest(scopeId, args.first, args.after);
  const access = await context.loaders.projectAccessById.load(projectId);
  // External members never see internal comments; the rule above already denies anyone without access.
  const includeInternal = access !== null && !access.isExternal;
  const page = await context.loaders.commentPages.load({ scopeId, onTask, includeInternal, ...request });
  for (const comment of page.comments) context.loaders.commentsById.prime(comment.id, comment);
  return { scopeId, onTask, includeInternal, page, afterSeq: request.afterSeq };
}

/** Loads the comment that `input.commentId` names, or COMMENT_NOT_FOUND when the viewer may not see it. */
async function withVisibleComment(rawId: unknown, context: Context, change: (comment: CommentRow) => Promise<CommentRow | UserError[]>) {
  const id = parseId(rawId, 'input.commentId');
  const comment = await loadVisibleComment(id, context);
  if (!comment) return payload([userError('COMMENT_NOT_FOUND', ['input', 'commentId'], `No comment "${id}" exists that you may see.`)]);
  return payload(await change(comment));
}

/** Resolvers of the root fields and of the fields that comments add to Project and Task, spread in by ../resolvers.ts. */
export const commentFieldResolvers = {
  Mutation: {
    createComment: async (_parent: unknown, { input }: { input: CreateCommentFields & { projectId?: string | null; taskId?: string | null } }, context: Context) => {
      // The rule has checked that exactly one target is named, that the viewer sees it, and may comment there.
      const task = input.taskId ? (await context.loaders.tasksById.load(parseId(input.taskId, 'input.taskId')))! : null;
      const projectId = task ? task.projectId : parseId(input.projectId, 'input.projectId');
      const access = (await context.loaders.projectAccessById.load(projectId))!;
      return payload(await createComment(context.db, context.viewer!, access, task, input));
    },
    updateComment: (_parent: unknown, { input }: { input: { commentId: string; body: string } }, context: Context) =>
      withVisibleComment(input.commentId, context, async (comment) =>
        updateComment(context.db, context.viewer!, (await context.loaders.projectAccessById.load(comment.projectId))!, comment, input.body),
      ),
    deleteComment: (_parent: unknown, { input }: { input: { commentId: string } }, context: Context) =>
      withVisibleComment(input.commentId, context, async (comment) =>
        deleteComment(context.db, context.viewer!, (await context.loaders.projectAccessById.load(comment.projectId))!, comment),
      ),
  },
  Project: {
    comments: (project: { id: string }, args: PageArgs, context: Context) => loadConnection(project.id, false, project.id, args, context),
    mentionableMembers: async (project: { id: string }, _args: unknown, context: Context) =>
      (await context.loaders.memberAccountIdsByProjectId.load(project.id)).map((id) => ({ __typename: 'Account', id })),
  },
  Task: {
    comments: (task: TaskRow, args: PageArgs, context: Context) => loadConnection(task.id, true, task.projectId, args, context),
  },
};

/** Resolvers of the comment types, spread into the resolver map by ../resolvers.ts. */
export const commentTypeResolvers = {
  Comment: {
    project: (comment: CommentRow) => ({ __typename: 'Project', id: comment.projectId }),
    task: (comment: CommentRow, _args: unknown, context: Context) => (comment.taskId ? loadVisibleTask(comment.taskId, context) : null),
    author: (comment: CommentRow) => ({ __typename: 'Account', id: comment.authorAccountId }),
    mentions: async (comment: CommentRow, _args: unknown, context: Context) =>
      (await context.loaders.mentionsByCommentId.load(comment.id)).map((mention) => ({ __typename: 'Account', id: mention.accountId })),
  },
  CommentConnection: {
    edges: (source: ConnectionSource) => source.page.comments.map((comment) => ({ cursor: encodeCommentCursor(source.scopeId, comment.seq), node: comment })),
    nodes: (source: ConnectionSource) => source.page.comments,
    pageInfo: (source: ConnectionSource) => {
      const list = source.page.comments;
      return {
        hasNextPage: source.page.hasNextPage,
        hasPreviousPage: source.afterSeq > 0,
        startCursor: list.length > 0 ? encodeCommentCursor(source.scopeId, list[0]!.seq) : null,
        endCursor: list.length > 0 ? encodeCommentCursor(source.scopeId, list[list.length - 1]!.seq) : null,
      };
    },
    totalCount: (source: ConnectionSource, _args: unknown, context: Context) =>
      context.loaders.commentCounts.load({ scopeId: source.scopeId, onTask: source.onTask, includeInternal: source.includeInternal }),
  },
};
