import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { buildSchema } from 'graphql';
import { gql } from 'graphql-tag';
import { expect, test } from 'vitest';
import { printPublicSchema, publicSchemaOf } from './derive.js';

const tasks = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@inaccessible"])
  "Reads."
  type Query {
    "A task by ID."
    task(id: ID!): Task
  }
  "A task."
  type Task @key(fields: "id") {
    "Its ID."
    id: ID!
    "Its title."
    title: String!
    "Only for other subgraphs."
    internalRank: Int @inaccessible
  }
`;
const people = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  "A task."
  type Task @key(fields: "id") {
    "Its ID."
    id: ID!
    "Who works on it."
    assignees: [String!]!
  }
`;

function composeTwo(first: string, second: string) {
  const result = composeServices([
    { name: 'tasks', url: 'http://localhost:1/graphql', typeDefs: gql(first) },
    { name: 'people', url: 'http://localhost:2/graphql', typeDefs: gql(second) },
  ]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result;
}

test('public schema leaves out federation internals', () => {
  const sdl = printPublicSchema(publicSchemaOf(composeTwo(tasks, people)));
  for (const internal of ['join__', 'link__', '@link', '_entities', '_service', '_Any', '_Service', 'internalRank', '@key', '@inaccessible']) {
    expect(sdl, internal).not.toContain(internal);
  }
  expect(sdl).toContain('assignees: [String!]!');
  expect(sdl).toContain('"""Who works on it."""');
});

test('public schema ignores subgraph order', () => {
  const reversed = composeServices([
    { name: 'people', url: 'http://localhost:2/graphql', typeDefs: gql(people) },
    { name: 'tasks', url: 'http://localhost:1/graphql', typeDefs: gql(tasks) },
  ]);
  if (reversed.errors) throw new Error(reversed.errors.map((error) => error.message).join('\n'));
  expect(printPublicSchema(publicSchemaOf(reversed))).toBe(printPublicSchema(publicSchemaOf(composeTwo(tasks, people))));
});

test('committed public schema has no federation internals', () => {
  const sdl = readFileSync(new URL('../../schema/public.graphql', import.meta.url), 'utf8');
  expect(() => buildSchema(sdl)).not.toThrow();
  expect(sdl).not.toMatch(/join__|link__|_entities|_service\b|_Any|_Service|@inaccessible/);
});
