import type { SubgraphDefinition } from '../common/subgraph.js';
import { projectViewedAsPath, recordProjectViewedAs } from './explain/view-as-audit.js';
import type { InvitationSettings } from './invitation/settings.js';
import { createSharingLoaders, type SharingLoaders } from './loaders.js';
import { createSharingResolvers } from './resolvers.js';
import { sharingRules } from './rules.js';

/** The sharing subgraph: projects, their members and roles, and invitations of external members. */
export function sharingSubgraph(settings: InvitationSettings): SubgraphDefinition<SharingLoaders> {
  return {
    name: 'sharing',
    resolvers: createSharingResolvers(settings),
    rules: sharingRules,
    createLoaders: createSharingLoaders,
    internalRoutes: { [projectViewedAsPath]: recordProjectViewedAs },
  };
}
