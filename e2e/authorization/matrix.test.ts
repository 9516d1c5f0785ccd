import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { getNamedType, isObjectType, Kind, parse, type GraphQLField, type GraphQLObjectType, type GraphQLSchema, type ObjectTypeDefinitionNode, type ValueNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubgraphName } from '../../subgraphs/common/subgraph.js';
import { entitiesBody, postSignedToSubgraph, type GraphQLErrorShape } from '../fixtures.js';
import { startTestGraph, type TestGraph } from '../harness.js';
import { fieldArguments, mutationRows, queryRows, typeRows, type Outcome, type Route, type Target, type ViewerKind } from './matrix.js';
import { seedWorld, subgraphViewerOf, tokenOf, viewerKinds, type World } from './world.js';

// Walks the composed API schema and checks that matrix.ts has a row for every type and field.
// Then runs every cell through the gateway as a client would. Entity types are also fetched
// with signed `_entities` requests straight to each subgraph that resolves them.

const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const api: GraphQLSchema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();

/** For each entity type, the subgraphs that resolve it and the fields each of them owns. */
function entityOwners(): Map<string, Map<SubgraphName, string[]>> {
  const owners = new Map<string, Map<SubgraphName, string[]>>();
  const argument = (node: { arguments?: readonly { name: { value: string }; value: ValueNode }[] }, name: string) => node.arguments?.find((arg) => arg.name.value === name)?.value;
  const text = (value: ValueNode | undefined) => (value && (value.kind === Kind.ENUM || value.kind === Kind.STRING) ? value.value : undefined);
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const type = definition as ObjectTypeDefinitionNode;
    const joins = (type.directives ?? []).filter((directive) => directive.name.value === 'join__type');
    const resolving = joins
      .filter((join) => argument(join, 'key') && !(argument(join, 'resolvable')?.kind === Kind.BOOLEAN && (argument(join, 'resolvable') as { value: boolean }).value === false))
      .map((join) => text(argument(join, 'graph'))!);
    if (resolving.length === 0) continue;
    const byGraph = new Map<SubgraphName, string[]>();
    for (const graph of resolving) {
      const fields = (type.fields ?? []).filter((field) => {
        const fieldJoins = (field.directives ?? []).filter((directive) => directive.name.value === 'join__field');
        if (fieldJoins.length === 0) return true;
        return fieldJoins.some((join) => text(argument(join, 'graph')) === graph && !(argument(join, 'external')?.kind === Kind.BOOLEAN && (argument(join, 'external') as { value: boolean }).value));
      });
      byGraph.set(graph.toLowerCase() as SubgraphName, fields.map((field) => field.name.value));
    }
    owners.set(type.name.value, byGraph);
  }
  return owners;
}

const objectTypes = Object.values(api.getTypeMap()).filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'));
const rootNames = new Set(['Query', 'Mutation']);
const fieldNamesOf = (row: { fields: string }) => row.fields.split(/\s+/).filter(Boolean);

/** Selects a field, with its required arguments: object fields by their `__typename`, so that only the field's own rule runs. */
function selectField(typeName: string, field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  const call = `${field.name}${fieldArguments[`${typeName}.${field.name}`] ?? ''}`;
  if (named.name === 'UserError') return `${call} { code field message }`;
  return isObjectType(named) ? `${call} { __typename }` : call;
}

function selectFields(typeName: string, names: string[]): string {
  const fields = (api.getType(typeName) as GraphQLObjectType).getFields();
  return names.map((name) => selectField(typeName, fields[name]!)).join(' ');
}

interface Response {
  data?: any;
  errors?: GraphQLErrorShape[];
}

const samePath = (a: readonly unknown[] | undefined, b: readonly unknown[]) => a !== undefined && a.length === b.length && a.every((part, index) => part === b[index]);
const startsWith = (a: readonly unknown[] | undefined, prefix: readonly unknown[]) => a !== undefined && a.length >= prefix.length && prefix.every((part, index) => a[index] === part);
const codeOf = (error: GraphQLErrorShape) => String(error.extensions?.code ?? 'NO_CODE');

/** Classifies a value that came without an error. */
function classify(value: unknown): Outcome {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'empty' : 'data';
  return 'data';
}

/** What a response shows at `path`: an error code, 'null', 'empty' for an index past an empty list, or 'data'. */
function reachOf(response: Response, path: (string | number)[]): Outcome {
  let value: any = response.data;
  for (let index = 0; index < path.length; index += 1) {
    const prefix = path.slice(0, index + 1);
    const error = response.errors?.find((candidate) => samePath(candidate.path, prefix));
    if (error) return codeOf(error);
    if (value === null || value === undefined) {
      const below = response.errors?.find((candidate) => startsWith(candidate.path, path.slice(0, index)));
      return below ? codeOf(below) : response.errors?.length ? codeOf(response.errors[0]!) : 'null';
    }
    const step = path[index]!;
    if (typeof step === 'number' && Array.isArray(value) && value.length <= step) return 'empty';
    value = value[step];
  }
  if (value === null || value === undefined) {
    const below = response.errors?.find((candidate) => startsWith(candidate.path, path.slice(0, -1)));
    return below ? codeOf(below) : 'null';
  }
  return classify(value);
}

function valueAt(data: any, path: (string | number)[]): any {
  return path.reduce((value, step) => (value == null ? value : value[step]), data);
}

/**
 * Reads every field of an object at `path`, with as few requests as possible: one request for
 * all fields, then again for the fields whose values an error elsewhere nulled out.
 */
async function readObject(run: (selection: string) => Promise<Response>, typeName: string, fields: string[], path: (string | number)[]) {
  const outcomes = new Map<string, Outcome>();
  const values = new Map<string, unknown>();
  let remaining = [...fields];
  let reach: Outcome = 'data';
  for (let pass = 0; remaining.length > 0 && pass < fields.length + 1; pass += 1) {
    const response = await run(selectFields(typeName, remaining));
    const fieldErrors = (response.errors ?? []).filter((error) => startsWith(error.path, path) && error.path!.length > path.length);
    if (fieldErrors.length > 0) {
      for (const error of fieldErrors) {
        const field = String(error.path![path.length]);
        if (!outcomes.has(field)) outcomes.set(field, codeOf(error));
      }
      remaining = remaining.filter((field) => !outcomes.has(field));
      continue;
    }
    reach = reachOf(response, path);
    if (reach === 'data') {
      for (const field of remaining) {
        const value = valueAt(response.data, [...path, field]);
        outcomes.set(field, classify(value));
        values.set(field, value);
      }
    }
    break;
  }
  return { reach, outcomes, values };
}

/** Compares an observed outcome with a cell. */
function matches(cell: Outcome, observed: Outcome, value: unknown): boolean {
  if (typeof cell === 'object') return JSON.stringify(value) === JSON.stringify(cell.equals);
  return cell === observed;
}

const show = (outcome: Outcome, value?: unknown) => (typeof outcome === 'object' ? JSON.stringify(outcome) : outcome === 'data' && value !== undefined && typeof value !== 'object' ? `data (${JSON.stringify(value)})` : outcome);

// The matrix runs over both ways the gateway reaches the subgraphs: handed over in one process
// (`npm start`) and over HTTP between separate processes.
describe.each(['in-process', 'http'] as const)('subgraph requests %s', (subgraphRequests) => {
  let graph: TestGraph;
  let world: World;

  beforeAll(async () => {
    graph = await startTestGraph({ subgraphRequests });
    world = await seedWorld(graph);
  }, 120_000);
  afterAll(() => graph?.close());

  const gatewayQuery = async (kind: ViewerKind, query: string): Promise<Response> => {
    const response = await graph.request(query, {}, tokenOf(world, kind));
    return { data: response.data, errors: response.errors };
  };

  describe('coverage', () => {
    test('matrix rows match the API schema', () => {
      const problems: string[] = [];
      for (const type of objectTypes) {
        if (rootNames.has(type.name)) continue;
        const row = typeRows[type.name];
        if (!row) {
          problems.push(`type ${type.name} has no row in e2e/authorization/matrix.ts`);
          continue;
        }
        const listed = new Set(fieldNamesOf(row));
        for (const field of Object.keys(type.getFields())) if (!listed.has(field)) problems.push(`field ${type.name}.${field} has no row in e2e/authorization/matrix.ts`);
        for (const field of listed) if (!type.getFields()[field]) problems.push(`row ${type.name}.${field} names no field of the API schema`);
        if ('targets' in row) {
          for (const target of row.targets) {
            for (const field of Object.keys(target.overrides ?? {})) if (!listed.has(field)) problems.push(`override ${type.name}.${field} (${target.name}) names no listed field`);
          }
        }
      }
      for (const name of Object.keys(typeRows)) if (!api.getType(name)) problems.push(`row ${name} names no type of the API schema`);
      for (const [root, rows] of [['Query', queryRows], ['Mutation', mutationRows]] as const) {
        const fields = (api.getType(root) as GraphQLObjectType).getFields();
        for (const field of Object.keys(fields)) if (!rows[field]?.length) problems.push(`${root}.${field} has no row in e2e/authorization/matrix.ts`);
        for (const field of Object.keys(rows)) if (!fields[field]) problems.push(`row ${root}.${field} names no field of the API schema`);
      }
      for (const [typeName, byGraph] of entityOwners()) {
        const row = typeRows[typeName];
        if (row && 'targets' in row && !row.targets.some((target) => target.entity)) problems.push(`entity type ${typeName} has no target with an _entities representation`);
        if (byGraph.size === 0) problems.push(`entity type ${typeName} has no resolving subgraph`);
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  });

  function expectedFor(target: Target, field: string, kind: ViewerKind): Outcome {
    return (target.overrides?.[field] ?? target.fields)[kind];
  }

  describe('object types', () => {
    const owners = entityOwners();
    for (const [typeName, row] of Object.entries(typeRows)) {
      if (!('targets' in row)) continue;
      test(typeName, async () => {
        const fields = fieldNamesOf(row);
        const mismatches: string[] = [];
        for (const target of row.targets) {
          await Promise.all(
            viewerKinds.map(async (kind) => {
              for (const route of target.routes) {
                await checkRoute(typeName, fields, target, route, kind, mismatches);
              }
              if (target.entity) {
                for (const [subgraph, owned] of owners.get(typeName) ?? []) {
                  await checkEntity(typeName, fields.filter((field) => owned.includes(field)), target, subgraph, kind, mismatches);
                }
              }
            }),
          );
        }
        expect(mismatches, `${mismatches.length} cell(s) differ:\n${mismatches.join('\n')}`).toEqual([]);
      });
    }
  });

  async function checkRoute(typeName: string, fields: string[], target: Target, route: Route, kind: ViewerKind, mismatches: string[]) {
    const template = route.query(world);
    const where = `${typeName} (${target.name}) via { ${template.replace('SEL', '…')} } as ${kind}`;
    const { reach, outcomes, values } = await readObject((selection) => gatewayQuery(kind, `{ ${template.replace('SEL', selection)} }`), typeName, fields, route.path);
    const expectedReach = route.reach[kind];
    if (!matches(expectedReach, reach, undefined)) {
      mismatches.push(`${where}: reaching it: expected ${show(expectedReach)}, got ${reach}`);
      return;
    }
    if (expectedReach !== 'data') return;
    for (const field of fields) {
      const expected = expectedFor(target, field, kind);
      const observed = outcomes.get(field) ?? 'unread';
      if (!matches(expected, observed, values.get(field))) mismatches.push(`${typeName}.${field} (${target.name}) via gateway as ${kind}: expected ${show(expected)}, got ${show(observed, values.get(field))}`);
    }
  }

  async function checkEntity(typeName: string, fields: string[], target: Target, subgraph: SubgraphName, kind: ViewerKind, mismatches: string[]) {
    const representation = target.entity!(world);
    const viewer = subgraphViewerOf(world, kind);
    const run = async (selection: string): Promise<Response> => {
      const response = await postSignedToSubgraph(graph, subgraph, entitiesBody([representation], `... on ${typeName} { ${selection} }`), viewer);
      return { data: response.data, errors: response.errors };
    };
    const { reach, outcomes, values } = await readObject(run, typeName, fields, ['_entities', 0]);
    const expectedReach = target.entityReach?.[kind] ?? 'data';
    if (!matches(expectedReach, reach, undefined)) {
      mismatches.push(`${typeName} (${target.name}) via ${subgraph} _entities as ${kind}: the reference: expected ${show(expectedReach)}, got ${reach}`);
      return;
    }
    if (expectedReach !== 'data') return;
    for (const field of fields) {
      const expected = expectedFor(target, field, kind);
      const observed = outcomes.get(field) ?? reach;
      if (!matches(expected, observed, values.get(field))) mismatches.push(`${typeName}.${field} (${target.name}) via ${subgraph} _entities as ${kind}: expected ${show(expected)}, got ${show(observed, values.get(field))}`);
    }
  }

  describe('root query fields', () => {
    const queryFields = (api.getType('Query') as GraphQLObjectType).getFields();
    for (const [name, cases] of Object.entries(queryRows)) {
      test(`Query.${name}`, async () => {
        const mismatches: string[] = [];
        const field = queryFields[name]!;
        const selection = isObjectType(getNamedType(field.type)) ? '{ __typename }' : '';
        for (const queryCase of cases) {
          await Promise.all(
            viewerKinds.map(async (kind) => {
              const args = queryCase.args(world);
              const response = await gatewayQuery(kind, `{ ${name}${args ? `(${args})` : ''} ${selection} }`);
              const observed = reachOf(response, [name]);
              const expected = queryCase.expect[kind];
              if (!matches(expected, observed, response.data?.[name])) mismatches.push(`Query.${name} (${queryCase.name}) as ${kind}: expected ${show(expected)}, got ${observed}`);
            }),
          );
        }
        expect(mismatches, `${mismatches.length} cell(s) differ:\n${mismatches.join('\n')}`).toEqual([]);
      });
    }
  });

  /** The outcome of a mutation: a GraphQL error code, the first user error's code, 'data' when every result field is set, else 'null'. */
  function mutationOutcome(response: Response, name: string): Outcome {
    if (response.errors?.length) return codeOf(response.errors[0]!);
    const payload = response.data?.[name];
    if (!payload) return 'null';
    if (payload.userErrors?.length) return String(payload.userErrors[0].code);
    return Object.entries(payload).every(([key, value]) => key === 'userErrors' || value !== null) ? 'data' : 'null';
  }

  describe('mutations', () => {
    const mutationFields = (api.getType('Mutation') as GraphQLObjectType).getFields();
    // One test for all rows: later rows rely on the order in which earlier rows changed and restored state.
    test('every mutation as every viewer', async () => {
      const mismatches: string[] = [];
      for (const [name, cases] of Object.entries(mutationRows)) {
        const field = mutationFields[name];
        if (!field) continue;
        const payloadType = getNamedType(field.type).name;
        const selection = selectFields(payloadType, Object.keys((api.getType(payloadType) as GraphQLObjectType).getFields()));
        const input = field.args.find((arg) => arg.name === 'input');
        const document = input ? `mutation($input: ${input.type.toString()}) { ${name}(input: $input) { ${selection} } }` : `mutation { ${name} { ${selection} } }`;
        for (const mutationCase of cases) {
          for (const kind of viewerKinds) {
            const viewerToken = tokenOf(world, kind);
            const call = await mutationCase.call(world, kind, viewerToken);
            const token = 'token' in call ? call.token : viewerToken;
            const response = await graph.request(document, call.input ? { input: call.input } : {}, token);
            const observed = mutationOutcome(response, name);
            const expected: Outcome = mutationCase.expect[kind];
            if (!matches(expected, observed, undefined)) {
              const detail = response.errors?.[0]?.message ?? JSON.stringify(response.data?.[name]?.userErrors ?? null);
              mismatches.push(`Mutation.${name} (${mutationCase.name}) as ${kind}: expected ${show(expected)}, got ${observed} — ${detail}`);
            }
            await mutationCase.after?.(world, kind);
          }
        }
      }
      expect(mismatches, `${mismatches.length} cell(s) differ:\n${mismatches.join('\n')}`).toEqual([]);
    }, 120_000);
  });
});
