import DataLoader from 'dataloader';
import { and, asc, count, inArray, isNull, or, sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import { projectMembershipsView } from '../../../db/sharing/contract.js';
import { commentMentions, comments } from '../../../db/work/schema.js';
import type { RequestContext } from '../../common/context.js';
import { isUuid } from '../../common/ids.js';
import { createLoader, groupBy, indexBy } from '../../common/loaders.js';
import type { CommentPageRequest } from './pagination.js';

export type CommentRow = typeof comments.$inferSelect;
export type CommentMentionRow = typeof commentMentions.$inferSelect;

/** Which list: a project's own comments (`onTask` false) or a task's. */
export interface CommentListKey {
  scopeId: string;
  onTask: boolean;
  /** False for an external viewer, whose lists leave internal comments out. */
  includeInternal: boolean;
}

export interface CommentPageKey extends CommentListKey, CommentPageRequest {}

export interface CommentPage {
  comments: CommentRow[];
  hasNextPage: boolean;
}

interface CommentPageRow {
  key_index: number;
  id: string;
  seq: string;
  project_id: string;
  task_id: string | null;
  author_account_id: string;
  body: string;
  is_internal: boolean;
  created_at: string;
  updated_at: string;
}

function toCommentRow(row: CommentPageRow): CommentRow {
  return {
    id: row.id,
    seq: Number(row.seq),
    projectId: row.project_id,
    taskId: row.task_id,
    authorAccountId: row.author_account_id,
    body: row.body,
    isInternal: row.is_internal,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const listKey = (key: CommentListKey) => `${key.onTask ? 'task' : 'project'}:${key.scopeId.toLowerCase()}:${key.includeInternal}`;

/** Creates the comment loaders for one request. */
export function createCommentLoaders(context: RequestContext) {
  const { db } = context;

  return {
    commentsById: createLoader<CommentRow | null>(async (ids) => {
      const rows = await db.select().from(comments).where(inArray(comments.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    mentionsByCommentId: createLoader<CommentMentionRow[]>(async (ids) => {
      const rows = await db.select().from(commentMentions).where(inArray(commentMentions.commentId, ids)).orderBy(asc(commentMentions.accountId));
      return groupBy(rows, (row) => row.commentId);
    }, []),

    /** The current members of each project, by account ID. */
    memberAccountIdsByProjectId: createLoader<string[]>(async (ids) => {
      const rows = await db
        .select({ projectId: projectMembershipsView.projectId, accountId: projectMembershipsView.accountId })
        .from(projectMembershipsView)
        .where(inArray(projectMembershipsView.projectId, ids))
        .orderBy(asc(projectMembershipsView.accountId));
      const grouped = groupBy(rows, (row) => row.projectId);
      return new Map([...grouped].map(([projectId, members]) => [projectId, members.map((member) => member.accountId)]));
    }, []),

    /**
     * One page of comments per list and request. A single statement serves every key of a
     * batch: each key becomes a row of a VALUES list joined laterally to its page.
     */
    commentPages: new DataLoader<CommentPageKey, CommentPage, string>(
      async (keys) => {
        const values = keys
          .map((key, index) =>
            isUuid(key.scopeId)
              ? sql`(${index}::int, ${key.scopeId}::uuid, ${key.onTask}::boolean, ${key.includeInternal}::boolean, ${key.afterSeq}::bigint, ${key.first + 1}::int)`
              : null,
          )
          .filter((value) => value !== null);
        if (values.length === 0) return keys.map(() => ({ comments: [], hasNextPage: false }));

        const result = await db.execute(sql`
          select k.key_index, c.id, c.seq::text as seq, c.project_id, c.task_id, c.author_account_id, c.body, c.is_internal,
            to_json(c.created_at) #>> '{}' as created_at, to_json(c.updated_at) #>> '{}' as updated_at
          from (values ${sql.join(values, sql`, `)}) as k(key_index, scope_id, on_task, include_internal, after_seq, page_limit)
          cross join lateral (
            select * from work.comments
            where (case when k.on_task then comments.task_id = k.scope_id else comments.project_id = k.scope_id and comments.task_id is null end)
              and comments.seq > k.after_seq
              and (k.include_internal or not comments.is_internal)
            order by comments.seq
            limit k.page_limit
          ) c
          order by k.key_index, c.seq`);

        const byKey = groupBy(rowsOf<CommentPageRow>(result), (row) => String(row.key_index));
        return keys.map((key, index) => {
          const rows = (byKey.get(String(index)) ?? []).map(toCommentRow);
          return { comments: rows.slice(0, key.first), hasNextPage: rows.length > key.first };
        });
      },
      { cacheKeyFn: (key) => `${listKey(key)}:${key.first}:${key.afterSeq}` },
    ),

    /** Counts the comments of each list that the viewer may see, in one statement for every list of a request. */
    commentCounts: new DataLoader<CommentListKey, number, string>(
      async (keys) => {
        const projectIds = [...new Set(keys.filter((key) => !key.onTask && isUuid(key.scopeId)).map((key) => key.scopeId.toLowerCase()))];
        const taskIds = [...new Set(keys.filter((key) => key.onTask && isUuid(key.scopeId)).map((key) => key.scopeId.toLowerCase()))];
        if (projectIds.length === 0 && taskIds.length === 0) return keys.map(() => 0);
        const conditions = [
          projectIds.length > 0 ? and(isNull(comments.taskId), inArray(comments.projectId, projectIds)) : undefined,
          taskIds.length > 0 ? inArray(comments.taskId, taskIds) : undefined,
        ].filter((condition) => condition !== undefined);
        const rows = await db
          .select({ projectId: comments.projectId, taskId: comments.taskId, isInternal: comments.isInternal, total: count() })
          .from(comments)
          .where(or(...conditions))
          .groupBy(comments.projectId, comments.taskId, comments.isInternal);
        return keys.map((key) => {
          const scopeId = key.scopeId.toLowerCase();
          return rows
            .filter((row) => (key.onTask ? row.taskId === scopeId : row.taskId === null && row.projectId === scopeId))
            .filter((row) => key.includeInternal || !row.isInternal)
            .reduce((sum, row) => sum + Number(row.total), 0);
        });
      },
      { cacheKeyFn: listKey },
    ),
  };
}

export type CommentLoaders = ReturnType<typeof createCommentLoaders>;
