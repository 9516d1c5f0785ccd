import type { SubgraphDefinition } from '../common/subgraph.js';
import type { TokenSettings } from './auth/sessions.js';
import { createLogInThrottle } from './auth/throttle.js';
import { integrationTokenUsedPath, recordIntegrationTokenUsed } from './integration/token-use.js';
import { createIdentityLoaders, type IdentityLoaders } from './loaders.js';
import { createIdentityResolvers } from './resolvers.js';
import { identityRules } from './rules.js';

/** The identity subgraph: accounts, sign-in, sessions, workspaces and their members. */
export function identitySubgraph(tokens: Omit<TokenSettings, 'throttle'>): SubgraphDefinition<IdentityLoaders> {
  return {
    name: 'identity',
    resolvers: createIdentityResolvers({ ...tokens, throttle: createLogInThrottle() }),
    rules: identityRules,
    createLoaders: createIdentityLoaders,
    internalRoutes: { [integrationTokenUsedPath]: recordIntegrationTokenUsed },
  };
}
