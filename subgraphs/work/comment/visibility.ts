import type { SubgraphContext } from '../../common/context.js';
import type { WorkLoaders } from '../loaders.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { CommentRow } from './loaders.js';

/**
 * Whether the viewer may see a comment: they see its project, its task when it has one (by
 * `loadVisibleTask`), and, for an internal comment, they are not an external member.
 */
export async function canSeeComment(comment: CommentRow, context: SubgraphContext<WorkLoaders>): Promise<boolean> {
  const access = await context.loaders.projectAccessById.load(comment.projectId);
  if (!access?.canSee) return false;
  if (comment.isInternal && access.isExternal) return false;
  if (comment.taskId === null) return true;
  return (await loadVisibleTask(comment.taskId, context)) !== null;
}

/** Loads a comment by ID for the viewer: null when it does not exist or the viewer may not see it. */
export async function loadVisibleComment(id: string, context: SubgraphContext<WorkLoaders>): Promise<CommentRow | null> {
  const comment = await context.loaders.commentsById.load(id);
  return comment && (await canSeeComment(comment, context)) ? comment : null;
}
