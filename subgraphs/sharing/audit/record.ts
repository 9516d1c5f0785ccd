import type { Database, Transaction } from '../../../db/client.js';
import { auditEvents } from '../../../db/sharing/schema.js';

export type SharingAuditEvent = Omit<typeof auditEvents.$inferInsert, 'id' | 'createdAt'>;

/** Writes one audit event inside the caller's transaction, so it commits or rolls back with the change it records. */
export async function recordAuditEvent(tx: Database | Transaction, event: SharingAuditEvent): Promise<void> {
  await tx.insert(auditEvents).values(event);
}
