import type { CompositionSuccess } from '@apollo/composition';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/**
 * Derives the public API schema from a composition: the schema that clients of the gateway see.
 * `toAPISchema` (from @apollo/federation-internals) removes the join__ and link__ definitions,
 * `@inaccessible` elements and the federation entry points (`_entities`, `_service`, `_Any`).
 */
export function publicSchemaOf(composition: Pick<CompositionSuccess, 'schema'>): GraphQLSchema {
  return composition.schema.toAPISchema().toGraphQLJSSchema();
}

/**
 * Prints a schema with its types, fields, arguments and enum values sorted by name, so the text
 * depends only on the schema and not on the order of definitions in the subgraphs.
 */
export function printPublicSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
