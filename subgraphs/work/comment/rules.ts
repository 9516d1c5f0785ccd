import type { SubgraphContext } from '../../common/context.js';
import { codedError, forbidden } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import { accessRule, allow, isAuthenticated } from '../../common/shield.js';
import type { WorkLoaders } from '../loaders.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { CommentRow } from './loaders.js';
import { canSeeComment } from './visibility.js';

type Context = SubgraphContext<WorkLoaders>;

/** Allows a viewer who may see the parent comment. */
const canSeeParentComment = accessRule<Context>('canSeeComment', 'strict', async (comment: CommentRow, _args, context) =>
  (await canSeeComment(comment, context)) ? true : forbidden(),
);

/**
 * Allows a viewer who may comment where `input` names: on a project they see, or on a task they
 * see, when their project role allows commenting or they administer the host workspace. An
 * internal comment also takes a viewer who is not an external member.
 */
const canCommentOnInput = accessRule<Context>('canCommentOnInput', 'strict', async (_parent, args, context) => {
  const input = args.input ?? {};
  const hasProject = input.projectId !== null && input.projectId !== undefined;
  const hasTask = input.taskId !== null && input.taskId !== undefined;
  if (hasProject === hasTask) throw codedError('BAD_USER_INPUT', 'Name exactly one of "input.projectId" and "input.taskId".');
  let projectId: string | null = null;
  if (hasTask) projectId = (await loadVisibleTask(parseId(input.taskId, 'input.taskId'), context))?.projectId ?? null;
  else projectId = parseId(input.projectId, 'input.projectId');
  const access = projectId ? await context.loaders.projectAccessById.load(projectId) : null;
  if (!access?.canSee || !access.canComment) return forbidden();
  return input.isInternal === true && access.isExternal ? forbidden() : true;
});

/**
 * Rules of the root fields of comments. Changing and deleting check the comment themselves and
 * return COMMENT_NOT_FOUND for one the viewer may not see, just as for an ID of no comment.
 */
export const commentFieldRules = {
  Mutation: { createComment: canCommentOnInput, updateComment: isAuthenticated, deleteComment: isAuthenticated },
};

export const commentTypeRules = {
  Comment: canSeeParentComment,
  CommentConnection: isAuthenticated,
  CommentEdge: isAuthenticated,
  CommentPayload: allow,
};
