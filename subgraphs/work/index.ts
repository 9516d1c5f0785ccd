import type { SubgraphDefinition } from '../common/subgraph.js';
import { createWorkLoaders, type WorkLoaders } from './loaders.js';
import { workResolvers } from './resolvers.js';
import { workRules } from './rules.js';

/** The work subgraph: tasks, their assignees and time entries. */
export const workSubgraph: SubgraphDefinition<WorkLoaders> = {
  name: 'work',
  resolvers: workResolvers,
  rules: workRules,
  createLoaders: createWorkLoaders,
};
