// Turns a folder of .graphql files into an apollo-persisted-query-manifest (version 1), for
// registerPersistedOperations or the gateway's PERSISTED_OPERATIONS_DIR.
//   npm run manifest -- <folder> [--out manifest.json]
// Each operation's body is its own text followed by the fragments it uses, from any file of the
// folder, in name order. Operations must be named, and names must be unique.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Kind, parse, print, visit, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { buildManifest } from '../subgraphs/common/persisted-manifest.js';

function graphqlFiles(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((entry) => {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) return graphqlFiles(path);
      return path.endsWith('.graphql') || path.endsWith('.gql') ? [path] : [];
    });
}

/** Names of the fragments a node spreads, directly or through other fragments. */
function usedFragments(node: OperationDefinitionNode | FragmentDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, found = new Set<string>()): Set<string> {
  visit(node, {
    FragmentSpread(spread) {
      const name = spread.name.value;
      if (found.has(name)) return;
      const fragment = fragments.get(name);
      if (!fragment) throw new Error(`The fragment ${name} is used but defined in no file of the folder.`);
      found.add(name);
      usedFragments(fragment, fragments, found);
    },
  });
  return found;
}

function manifestOf(folder: string) {
  const operations: Array<{ operation: OperationDefinitionNode; file: string }> = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const file of graphqlFiles(folder)) {
    const document = parse(readFileSync(file, 'utf8'));
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(definition.name.value)) throw new Error(`The fragment ${definition.name.value} is defined twice; fragment names must be unique.`);
        fragments.set(definition.name.value, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) throw new Error(`${relative(folder, file)} contains an operation without a name; name every operation.`);
        operations.push({ operation: definition, file });
      }
    }
  }
  const names = new Set<string>();
  return buildManifest(
    operations
      .sort((a, b) => a.operation.name!.value.localeCompare(b.operation.name!.value))
      .map(({ operation }) => {
        const name = operation.name!.value;
        if (names.has(name)) throw new Error(`The operation name ${name} is used twice; operation names must be unique.`);
        names.add(name);
        const used = [...usedFragments(operation, fragments)].sort().map((fragmentName) => print(fragments.get(fragmentName)!));
        return { name, type: operation.operation, body: [print(operation), ...used].join('\n\n') };
      }),
  );
}

const [folder, ...rest] = process.argv.slice(2);
if (!folder) {
  console.error('Usage: npm run manifest -- <folder of .graphql files> [--out manifest.json]');
  process.exit(2);
}
try {
  const text = `${JSON.stringify(manifestOf(folder), null, 2)}\n`;
  const out = rest[0] === '--out' ? rest[1] : undefined;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
} catch (error) {
  console.error(`Cannot build the manifest: ${(error as Error).message}`);
  process.exit(1);
}
