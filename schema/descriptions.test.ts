import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, type InputValueDefinitionNode, type StringValueNode } from 'graphql';
import { expect, test } from 'vitest';
import { undocumentedElements } from '../scripts/public-schema/descriptions.js';

// Federation's own definitions in the supergraph (join__, link__) come without descriptions.
const isFederationInternal = (name: string) => /^(join__|link__)/.test(name);

/** Lists every type, field, argument, input field and enum value that has no description. */
function undocumented(sdl: string): string[] {
  const missing: string[] = [];
  const check = (name: string, description: StringValueNode | undefined) => {
    if (!description?.value.trim()) missing.push(name);
  };
  const checkArguments = (owner: string, values: readonly InputValueDefinitionNode[] | undefined) => {
    for (const value of values ?? []) check(`${owner}.${value.name.value}`, value.description);
  };

  for (const definition of parse(sdl).definitions) {
    if (!('name' in definition) || !definition.name || isFederationInternal(definition.name.value)) continue;
    const typeName = definition.name.value;
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
        // Root operation types and entity stubs carry their descriptions on the fields.
        if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && !['Query', 'Mutation'].includes(typeName) && !definition.directives?.some((directive) => directive.name.value === 'key')) {
          check(typeName, definition.description);
        }
        for (const field of definition.fields ?? []) {
          check(`${typeName}.${field.name.value}`, field.description);
          checkArguments(`${typeName}.${field.name.value}`, field.arguments);
        }
        break;
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        check(typeName, definition.description);
        checkArguments(typeName, definition.fields);
        break;
      case Kind.ENUM_TYPE_DEFINITION:
        check(typeName, definition.description);
        for (const value of definition.values ?? []) check(`${typeName}.${value.name.value}`, value.description);
        break;
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
        check(typeName, definition.description);
        break;
      default:
        break;
    }
  }
  return missing;
}

test.each(['identity', 'sharing', 'work', 'supergraph'])('%s.graphql describes every element', (file) => {
  const sdl = readFileSync(new URL(`./${file}.graphql`, import.meta.url), 'utf8');
  expect(undocumented(sdl)).toEqual([]);
});

test('undocumented finds missing descriptions', () => {
  const sdl = '"A thing." type Thing { "Its ID." id: ID! name(upper: Boolean): String } enum Color { RED } input Filter { "Text." text: String }';
  expect(undocumented(sdl)).toEqual(['Thing.name', 'Thing.name.upper', 'Color', 'Color.RED', 'Filter']);
});

// The public schema is what clients read, root types included; `npm run compose:check` runs the same check.
test('public.graphql describes every element', () => {
  const sdl = readFileSync(new URL('./public.graphql', import.meta.url), 'utf8');
  expect(undocumentedElements(buildSchema(sdl))).toEqual([]);
});

test('undocumentedElements finds missing descriptions', () => {
  const schema = buildSchema(`
    type Query { "A thing." thing(id: ID!): Thing }
    "A thing." type Thing { "Its ID." id: ID! name(upper: Boolean): String }
    enum Color { "Red." RED BLUE }
    "A filter." input Filter { text: String }
    "Search." interface Named { "Name." name: String }
    union Result = Thing
    scalar Money
    directive @cached("Seconds." maxAge: Int, scope: String) on FIELD_DEFINITION
  `);
  expect(undocumentedElements(schema)).toEqual([
    '@cached',
    '@cached(scope:)',
    'Color',
    'Color.BLUE',
    'Filter.text',
    'Money',
    'Query',
    'Query.thing(id:)',
    'Result',
    'Thing.name',
    'Thing.name(upper:)',
  ]);
});
