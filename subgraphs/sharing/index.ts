import type { SubgraphDefinition } from '../common/subgraph.js';
import { createSharingLoaders, type SharingLoaders } from './loaders.js';
import { sharingResolvers } from './resolvers.js';
import { sharingRules } from './rules.js';

/** The sharing subgraph: projects and their members. */
export const sharingSubgraph: SubgraphDefinition<SharingLoaders> = {
  name: 'sharing',
  resolvers: sharingResolvers,
  rules: sharingRules,
  createLoaders: createSharingLoaders,
};
