// Derives the SDL of the monolith baseline: the part of Tandem's public schema that the bench
// operations select. It is cut from the committed supergraph, so field names, types, arguments,
// defaults and descriptions stay those of the public schema. Run this file to print the SDL:
//   node --import tsx scripts/bench/monolith/schema.ts
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type TypeNode,
} from 'graphql';

const supergraphFile = new URL('../../../schema/supergraph.graphql', import.meta.url);
const operationsFolder = new URL('../operations/', import.meta.url);

/** Directives of federation's machinery, which the public (API) schema does not show. */
function isFederationDirective(directive: DirectiveNode): boolean {
  const name = directive.name.value;
  return name.startsWith('join__') || name === 'link' || name === 'inaccessible';
}

const builtInScalars = new Set(['ID', 'String', 'Int', 'Float', 'Boolean']);

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/** Collects, per type, the fields that the operations select. */
function selectedFields(supergraph: DocumentNode, operations: string[]): Map<string, Set<string>> {
  const schema = buildASTSchema(supergraph, { assumeValidSDL: true });
  const selected = new Map<string, Set<string>>();
  for (const text of operations) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(text),
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (!parent || !typeInfo.getFieldDef()) throw new Error(`A bench operation selects "${node.name.value}", which the supergraph does not define.`);
          if (node.name.value === '__typename') return;
          const fields = selected.get(parent.name) ?? new Set<string>();
          fields.add(node.name.value);
          selected.set(parent.name, fields);
        },
      }),
    );
  }
  return selected;
}

/**
 * Returns the SDL of the object types and fields that `operations` select, with every argument of
 * those fields and every scalar, enum and input type they name, as the supergraph defines them
 * less federation's directives.
 */
export function deriveMonolithSdl(supergraphSdl: string, operations: string[]): string {
  const supergraph = parse(supergraphSdl);
  const selected = selectedFields(supergraph, operations);
  const byName = new Map<string, DefinitionNode>();
  for (const definition of supergraph.definitions) {
    if ('name' in definition && definition.name) byName.set(definition.name.value, definition);
  }

  // Named types that the kept fields return or take as arguments, followed through input types.
  const referenced = new Set<string>();
  const pending: string[] = [];
  const reference = (type: TypeNode) => {
    const name = namedTypeOf(type);
    if (!builtInScalars.has(name) && !referenced.has(name) && !selected.has(name)) {
      referenced.add(name);
      pending.push(name);
    }
  };

  const definitions: DefinitionNode[] = [];
  for (const [typeName, fieldNames] of selected) {
    const definition = byName.get(typeName);
    if (definition?.kind !== Kind.OBJECT_TYPE_DEFINITION) throw new Error(`The supergraph has no object type "${typeName}".`);
    const fields = (definition.fields ?? [])
      .filter((field) => fieldNames.has(field.name.value))
      .map((field) => {
        reference(field.type);
        for (const argument of field.arguments ?? []) reference(argument.type);
        return {
          ...field,
          directives: field.directives?.filter((directive) => !isFederationDirective(directive)),
          arguments: field.arguments?.map((argument) => ({ ...argument, directives: argument.directives?.filter((directive) => !isFederationDirective(directive)) })),
        };
      });
    definitions.push({ ...definition, directives: [], interfaces: [], fields });
  }

  while (pending.length > 0) {
    const name = pending.pop()!;
    const definition = byName.get(name);
    if (!definition) throw new Error(`The supergraph names type "${name}" but does not define it.`);
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) {
      definitions.push({ ...definition, directives: definition.directives?.filter((directive) => !isFederationDirective(directive)) });
    } else if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      definitions.push({
        ...definition,
        directives: [],
        values: definition.values?.map((value) => ({ ...value, directives: value.directives?.filter((directive) => !isFederationDirective(directive)) })),
      });
    } else if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      for (const field of definition.fields ?? []) reference(field.type);
      definitions.push({
        ...definition,
        directives: [],
        fields: definition.fields?.map((field) => ({ ...field, directives: field.directives?.filter((directive) => !isFederationDirective(directive)) })),
      });
    } else {
      throw new Error(`Type "${name}" is an object type that the operations return without selecting any of its fields.`);
    }
  }

  // The order of the supergraph, which sorts types by name, so that the output is stable.
  const order = new Map(supergraph.definitions.map((definition, index) => [definition, index]));
  const position = (definition: DefinitionNode) => order.get(byName.get((definition as { name: { value: string } }).name.value)!) ?? 0;
  definitions.sort((a, b) => position(a) - position(b));
  return `${print({ kind: Kind.DOCUMENT, definitions })}\n`;
}

/** Reads the texts of the bench operations, operations/*.graphql, in file name order. */
export function readBenchOperations(): string[] {
  return readdirSync(operationsFolder)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, operationsFolder), 'utf8'));
}

/** Derives the monolith's SDL from the committed supergraph and the bench operations. */
export function monolithSdl(): string {
  return deriveMonolithSdl(readFileSync(supergraphFile, 'utf8'), readBenchOperations());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(monolithSdl());
