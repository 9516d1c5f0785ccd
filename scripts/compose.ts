// Composes schema/<subgraph>.graphql into schema/supergraph.graphql with @apollo/composition, and
// derives from it schema/public.graphql, the API schema that clients of the gateway see. Then it
// checks the public schema: every element has a description, and every breaking change against
// schema/public.baseline.graphql is listed in schema/intended-changes.json.
// With --check it writes nothing and also fails when a committed file differs from a fresh
// composition. With --update-baseline it also makes the public schema the new baseline and
// empties the list of intended changes. Composition errors, hints other than the expected ones
// and failed checks exit 1.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { buildSchema } from 'graphql';
import { gql } from 'graphql-tag';
import { subgraphNames } from '../subgraphs/common/subgraph.js';
import { compareWithBaseline, intendedChangeEntry, parseIntendedChanges } from './public-schema/breaking-changes.js';
import { printPublicSchema, publicSchemaOf } from './public-schema/derive.js';
import { undocumentedElements } from './public-schema/descriptions.js';

/** Default subgraph URLs written into the supergraph; every deployment overrides them by environment. */
const defaultPorts = { identity: 4001, sharing: 4002, work: 4003 } as const;

/**
 * Hints that are expected: each subgraph's `UserErrorCode` lists only the codes its own
 * mutations return, and the supergraph's output-only enum is their union.
 */
const expectedHints = new Set(['INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM']);

const schemaFile = (name: string) => ({ name: `schema/${name}`, url: new URL(`../schema/${name}`, import.meta.url) });
const supergraphFile = schemaFile('supergraph.graphql');
const publicFile = schemaFile('public.graphql');
const baselineFile = schemaFile('public.baseline.graphql');
const intendedChangesFile = schemaFile('intended-changes.json');

const readIfExists = (file: { url: URL }) => (existsSync(file.url) ? readFileSync(file.url, 'utf8') : undefined);

const checkOnly = process.argv.includes('--check');
const updateBaseline = process.argv.includes('--update-baseline');
if (checkOnly && updateBaseline) {
  console.error('--check writes nothing, so it cannot be combined with --update-baseline; pass one of them.');
  process.exit(1);
}

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
const publicSchema = publicSchemaOf(result);
const publicSdl = printPublicSchema(publicSchema);
const problems: string[] = [];

// The generated files.
if (checkOnly) {
  for (const [file, text] of [[supergraphFile, supergraph], [publicFile, publicSdl]] as const) {
    if (readIfExists(file) !== text) problems.push(`${file.name} is out of date: run "npm run compose" and commit the result.`);
  }
} else {
  writeFileSync(supergraphFile.url, supergraph);
  writeFileSync(publicFile.url, publicSdl);
  console.log(`Wrote ${supergraphFile.name} and ${publicFile.name} from ${services.length} subgraphs.`);
  if (updateBaseline) {
    writeFileSync(baselineFile.url, publicSdl);
    writeFileSync(intendedChangesFile.url, `${JSON.stringify({ changes: [] }, null, 2)}\n`);
    console.log(`Wrote ${publicFile.name} as the new baseline ${baselineFile.name} and emptied ${intendedChangesFile.name}.`);
  }
}

// Descriptions: clients read them in GraphiQL and in generated code.
for (const coordinate of undocumentedElements(publicSchema)) {
  problems.push(`${coordinate} has no description in the public schema: describe it in the schema/<subgraph>.graphql that defines it.`);
}

// Breaking changes against the baseline.
const baselineSdl = readIfExists(baselineFile);
if (baselineSdl === undefined) {
  problems.push(`${baselineFile.name} is missing: run "npm run compose -- --update-baseline" to make the current public schema the baseline.`);
} else {
  try {
    const intended = parseIntendedChanges(readIfExists(intendedChangesFile) ?? '{"changes": []}', intendedChangesFile.name);
    const report = await compareWithBaseline(buildSchema(baselineSdl), publicSchema, intended);
    for (const change of report.dangerous) {
      const reason = change.criticality.reason ? ` ${change.criticality.reason}` : '';
      console.log(`note: dangerous but not breaking: ${change.message.replace(/\.?$/, '.')} (${change.type} at ${change.path ?? 'the schema'})${reason}`);
    }
    for (const change of report.unintended) {
      problems.push(
        `Breaking change against ${baselineFile.name}: ${change.message.replace(/\.?$/, '.')} Undo it, or, if breaking clients is intended, add this entry to "changes" in ${intendedChangesFile.name}:\n  ${JSON.stringify(intendedChangeEntry(change))}`,
      );
    }
    for (const entry of report.unmatched) {
      problems.push(`${intendedChangesFile.name} lists ${entry.type} at "${entry.path}", which is no breaking change against ${baselineFile.name}: remove the entry.`);
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
}

for (const problem of problems) console.error(`error: ${problem}`);
if (problems.length > 0) process.exit(1);
console.log(`${publicFile.name} describes every element and breaks nothing against ${baselineFile.name} that is not listed in ${intendedChangesFile.name}.`);
if (checkOnly) console.log(`${supergraphFile.name} and ${publicFile.name} match a fresh composition.`);
