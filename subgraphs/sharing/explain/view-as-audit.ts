import type { SubgraphContext } from '../../common/context.js';
import { HttpError } from '../../common/http.js';
import { isUuid } from '../../common/ids.js';
import { recordAuditEvent } from '../audit/record.js';
import type { SharingLoaders } from '../loaders.js';

/** Path of the internal endpoint through which the gateway has a view-as request recorded. */
export const projectViewedAsPath = '/internal/project-viewed-as';

/**
 * Records that the signed viewer, an admin of the project's host workspace, reads the project
 * as one of its members. The gateway checked the same before calling. This subgraph checks
 * again because it owns the audit log and writes nothing it has not verified.
 */
export async function recordProjectViewedAs(context: SubgraphContext<SharingLoaders>, body: unknown): Promise<{ recorded: true }> {
  const { projectId, accountId } = (body ?? {}) as { projectId?: unknown; accountId?: unknown };
  if (!context.viewer || !isUuid(projectId) || !isUuid(accountId)) throw new HttpError(400, 'BAD_REQUEST', 'Expected { projectId, accountId } from a signed-in admin.');

  const access = await context.loaders.projectAccessById.load(projectId);
  const members = await context.loaders.membersByProjectId.load(projectId);
  if (access?.workspaceRole !== 'admin' || !members.some((member) => member.accountId === accountId.toLowerCase())) {
    throw new HttpError(403, 'FORBIDDEN', 'Only an admin of the host workspace may view the project as one of its members.');
  }

  await recordAuditEvent(context.db, {
    workspaceId: access.workspaceId,
    projectId: access.projectId,
    actorAccountId: context.viewer.accountId,
    action: 'project_viewed_as',
    targetAccountId: accountId.toLowerCase(),
  });
  return { recorded: true };
}
