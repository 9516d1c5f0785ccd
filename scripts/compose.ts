// Composes schema/<subgraph>.graphql into schema/supergraph.graphql with @apollo/composition.
// With --check it writes nothing and exits 1 when the committed supergraph differs from a
// fresh composition. Composition errors, and hints other than the expected ones, exit 1.
import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { gql } from 'graphql-tag';
import { subgraphNames } from '../subgraphs/common/subgraph.js';

/** Default subgraph URLs written into the supergraph; every deployment overrides them by environment. */
const defaultPorts = { identity: 4001, sharing: 4002, work: 4003 } as const;

/**
 * Hints that are expected: each subgraph's `UserErrorCode` lists only the codes its own
 * mutations return, and the supergraph's output-only enum is their union.
 */
const expectedHints = new Set(['INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM']);

const supergraphPath = new URL('../schema/supergraph.graphql', import.meta.url);

const services = subgraphNames.map((name) => ({
  name,
  url: `http://localhost:${defaultPorts[name]}/graphql`,
  typeDefs: gql(readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8')),
}));

const result = composeServices(services);
if (result.errors) {
  for (const error of result.errors) console.error(`error: ${error.message}`);
  process.exit(1);
}

const unexpected = result.hints.filter((hint) => !expectedHints.has(hint.definition.code));
for (const hint of unexpected) console.error(`hint treated as error: ${hint.definition.code}: ${hint.message}`);
if (unexpected.length > 0) process.exit(1);

const supergraph = result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`;
if (process.argv.includes('--check')) {
  const committed = readFileSync(supergraphPath, 'utf8');
  if (committed !== supergraph) {
    console.error('schema/supergraph.graphql is out of date: run "npm run compose" and commit the result.');
    process.exit(1);
  }
  console.log('schema/supergraph.graphql matches a fresh composition.');
} else {
  writeFileSync(supergraphPath, supergraph);
  console.log(`Wrote schema/supergraph.graphql from ${services.length} subgraphs.`);
}
