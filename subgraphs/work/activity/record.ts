import type { Database, Transaction } from '../../../db/client.js';
import { activityEvents } from '../../../db/work/schema.js';

export type ActivityInsert = typeof activityEvents.$inferInsert;

/** Writes events of a project's history, inside the transaction of the change they describe. */
export async function recordActivity(tx: Database | Transaction, events: ActivityInsert[]): Promise<void> {
  if (events.length > 0) await tx.insert(activityEvents).values(events);
}
