import type { SubgraphDefinition } from '../common/subgraph.js';
import type { TokenSettings } from './auth/sessions.js';
import { createIdentityLoaders, type IdentityLoaders } from './loaders.js';
import { createIdentityResolvers } from './resolvers.js';
import { identityRules } from './rules.js';

/** The identity subgraph: accounts, sign-in, sessions, workspaces and their members. */
export function identitySubgraph(tokens: TokenSettings): SubgraphDefinition<IdentityLoaders> {
  return {
    name: 'identity',
    resolvers: createIdentityResolvers(tokens),
    rules: identityRules,
    createLoaders: createIdentityLoaders,
  };
}
