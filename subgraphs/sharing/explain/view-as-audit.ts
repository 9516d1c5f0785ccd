import type { Database } from '../../../db/client.js';
import { recordAuditEvent } from '../audit/record.js';

/**
 * Records that an admin read a project as one of its members. The sharing subgraph owns the
 * audit log, so the gateway writes the event through this function rather than on its own.
 */
export async function recordProjectViewedAs(db: Database, event: { workspaceId: string; projectId: string; adminAccountId: string; memberAccountId: string }): Promise<void> {
  await recordAuditEvent(db, {
    workspaceId: event.workspaceId,
    projectId: event.projectId,
    actorAccountId: event.adminAccountId,
    action: 'project_viewed_as',
    targetAccountId: event.memberAccountId,
  });
}
