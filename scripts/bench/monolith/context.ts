// The per-request context of the monolith baseline: the viewer and the dataloaders of all three
// subgraphs, created by the product's own loader factories, so that the monolith runs the same
// batched SQL statements as Tandem for the same facts.
import type { Database } from '../../../db/client.js';
import { RequestScope, type SubgraphContext } from '../../../subgraphs/common/context.js';
import type { Logger } from '../../../subgraphs/common/logger.js';
import type { Viewer } from '../../../subgraphs/common/viewer.js';
import { createIdentityLoaders, type IdentityLoaders } from '../../../subgraphs/identity/loaders.js';
import { createSharingLoaders, type SharingLoaders } from '../../../subgraphs/sharing/loaders.js';
import { createWorkLoaders, type WorkLoaders } from '../../../subgraphs/work/loaders.js';

/**
 * A work subgraph context, so that the product's work resolvers run on it unchanged, plus the
 * identity and sharing loaders of the same request.
 */
export interface MonolithContext extends SubgraphContext<WorkLoaders> {
  identity: IdentityLoaders;
  sharing: SharingLoaders;
}

export function createMonolithContext(db: Database, viewer: Viewer | null, requestId: string, log: Logger): MonolithContext {
  const request = new RequestScope(db, viewer, requestId, log);
  const identity = createIdentityLoaders(request);
  const sharing = createSharingLoaders(request);
  const work = createWorkLoaders(request);
  // Each subgraph has a project access loader of its own; one process needs only one per request.
  work.projectAccessById = sharing.projectAccessById;
  return Object.assign(request, { loaders: work, identity, sharing });
}
