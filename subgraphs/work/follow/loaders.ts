import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import type { RequestContext } from '../../common/context.js';
import { createLoader, groupBy } from '../../common/loaders.js';
import { memberSince } from '../membership.js';

/** Creates the follow loaders for one request. */
export function createFollowLoaders(context: RequestContext) {
  const { db } = context;

  return {
    /** The accounts whose follow of each task holds, ordered by account ID. */
    followerIdsByTaskId: createLoader<string[]>(async (ids) => {
      const list = sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      );
      const result = await db.execute(sql`
        select follow.task_id, follow.account_id from work.task_follows follow
        where follow.task_id in (${list}) and ${memberSince(sql`follow.project_id`, sql`follow.account_id`, sql`follow.created_at`)}
        order by follow.account_id`);
      const byTask = groupBy(rowsOf<{ task_id: string; account_id: string }>(result), (row) => row.task_id);
      return new Map([...byTask].map(([taskId, rows]) => [taskId, rows.map((row) => row.account_id)]));
    }, []),
  };
}
