import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { projectMembershipsView } from '../../../db/sharing/contract.js';
import { commentMentions, comments } from '../../../db/work/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import type { ProjectAccess } from '../../common/project-access.js';
import { checkMultiLineText } from '../../common/validation.js';
import type { Viewer } from '../../common/viewer.js';
import { recordActivity } from '../activity/record.js';
import { follow } from '../follow/service.js';
import type { TaskRow } from '../loaders.js';
import { notify } from '../notification/fanout.js';
import type { CommentRow } from './loaders.js';

/** Longest comment text, after trimming. */
export const maxBodyLength = 10000;

/** Trims a comment's text and checks it: 1 to 10000 characters, tabs and line breaks allowed. */
export function checkBody(body: string): string | UserError {
  const trimmed = body.trim();
  if (trimmed.length === 0) return userError('INVALID_INPUT', ['input', 'body'], 'The comment must not be empty after trimming.');
  return checkMultiLineText(trimmed, ['input', 'body'], 'The comment', maxBodyLength);
}

function archivedError(): UserError[] {
  return [userError('PROJECT_ARCHIVED', null, 'The project is archived, so its comments can no longer change.')];
}

export interface CreateCommentFields {
  body: string;
  isInternal?: boolean | null;
  mentionAccountIds?: unknown[] | null;
}

/**
 * Checks the accounts a comment mentions: each must be a current member of the project, and an
 * internal comment may mention only internal members. Returns the distinct IDs or the user errors.
 */
async function checkMentions(db: Database, projectId: string, rawIds: unknown[], isInternal: boolean): Promise<string[] | UserError[]> {
  const ids = rawIds.map((id, index) => parseId(id, `input.mentionAccountIds[${index}]`));
  if (ids.length === 0) return [];
  const members = await db
    .select({ accountId: projectMembershipsView.accountId, isExternal: projectMembershipsView.isExternal })
    .from(projectMembershipsView)
    .where(and(eq(projectMembershipsView.projectId, projectId), inArray(projectMembershipsView.accountId, [...new Set(ids)])));
  const isExternalById = new Map(members.map((member) => [member.accountId, member.isExternal]));
  const errors: UserError[] = [];
  ids.forEach((id, index) => {
    const field = ['input', 'mentionAccountIds', String(index)];
    const isExternal = isExternalById.get(id);
    if (isExternal === undefined) errors.push(userError('NOT_A_PROJECT_MEMBER', field, `Account "${id}" is not a member of the project, so the comment cannot mention it.`));
    else if (isExternal && isInternal) errors.push(userError('MENTION_NOT_ALLOWED', field, `Account "${id}" is an external member; an internal comment may mention only internal members.`));
  });
  return errors.length > 0 ? errors : [...new Set(ids)];
}

/**
 * Writes a comment with its mentions, its event in the project's history, the author's follow of
 * the task, and the notifications, in one transaction. The rule of `createComment` has checked
 * the permission.
 */
export async function createComment(
  db: Database,
  viewer: Viewer,
  access: ProjectAccess,
  task: TaskRow | null,
  input: CreateCommentFields,
): Promise<CommentRow | UserError[]> {
  if (access.archived) return archivedError();
  const body = checkBody(input.body);
  if (typeof body !== 'string') return [body];
  const isInternal = input.isInternal === true;
  const mentioned = await checkMentions(db, access.projectId, input.mentionAccountIds ?? [], isInternal);
  if (mentioned.length > 0 && typeof mentioned[0] !== 'string') return mentioned as UserError[];

  return db.transaction(async (tx) => {
    const [comment] = await tx
      .insert(comments)
      .values({ projectId: access.projectId, taskId: task?.id ?? null, authorAccountId: viewer.accountId, body, isInternal })
      .returning();
    const accountIds = mentioned as string[];
    if (accountIds.length > 0) await tx.insert(commentMentions).values(accountIds.map((accountId) => ({ commentId: comment!.id, accountId })));
    await recordActivity(tx, [
      { projectId: access.projectId, taskId: task?.id ?? null, actorAccountId: viewer.accountId, kind: 'commented', commentId: comment!.id, isInternal },
    ]);
    if (task) await follow(tx, task, [viewer.accountId]);
    await notify(tx, { kind: 'commented', actorId: viewer.accountId, projectId: access.projectId, task, comment: comment!, mentionedIds: accountIds });
    return comment!;
  });
}

/** Changes a comment's text; only its author may. */
export async function updateComment(db: Database, viewer: Viewer, access: ProjectAccess, comment: CommentRow, rawBody: string): Promise<CommentRow | UserError[]> {
  if (comment.authorAccountId !== viewer.accountId) {
    return [userError('NOT_COMMENT_AUTHOR', ['input', 'commentId'], 'Only the author of this comment may change it.')];
  }
  if (access.archived) return archivedError();
  const body = checkBody(rawBody);
  if (typeof body !== 'string') return [body];
  const [updated] = await db.update(comments).set({ body, updatedAt: new Date() }).where(eq(comments.id, comment.id)).returning();
  return updated!;
}

/** Deletes a comment and, by the foreign key's cascade, its mentions; its author or an admin of the host workspace may. */
export async function deleteComment(db: Database, viewer: Viewer, access: ProjectAccess, comment: CommentRow): Promise<CommentRow | UserError[]> {
  if (comment.authorAccountId !== viewer.accountId && access.workspaceRole !== 'admin') {
    return [userError('NOT_COMMENT_AUTHOR', ['input', 'commentId'], "Only the comment's author or an admin of the project's host workspace may delete it.")];
  }
  if (access.archived) return archivedError();
  await db.delete(comments).where(eq(comments.id, comment.id));
  return comment;
}
