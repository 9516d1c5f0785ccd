import { and, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.js';
import { taskFollows } from '../../../db/work/schema.js';

/**
 * Makes `accountIds` follow a task. A follow left over from an ended membership starts anew,
 * so the person is not mistaken for a former member.
 */
export async function follow(tx: Database | Transaction, task: { id: string; projectId: string }, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await tx
    .insert(taskFollows)
    .values([...new Set(accountIds)].map((accountId) => ({ taskId: task.id, projectId: task.projectId, accountId })))
    .onConflictDoUpdate({ target: [taskFollows.taskId, taskFollows.accountId], set: { createdAt: sql`now()` } });
}

/** Ends the viewer's follow of a task; ending a follow that does not exist changes nothing. */
export async function unfollow(db: Database, taskId: string, accountId: string): Promise<void> {
  await db.delete(taskFollows).where(and(eq(taskFollows.taskId, taskId), eq(taskFollows.accountId, accountId)));
}
