import { readFileSync } from 'node:fs';
import { buildASTSchema, Kind, parse, visit, type DefinitionNode, type GraphQLSchema } from 'graphql';

const supergraphPath = new URL('../../schema/supergraph.graphql', import.meta.url);

/** Names that Apollo Federation adds to a supergraph for the gateway's own use. */
function isFederationName(name: string): boolean {
  return name.startsWith('join__') || name.startsWith('link__');
}

/**
 * Builds the schema that clients of the gateway see: the committed supergraph without the
 * federation machinery (join and link types, their directives, and every directive use).
 */
export function loadApiSchema(): GraphQLSchema {
  const document = parse(readFileSync(supergraphPath, 'utf8'));
  const withoutDirectiveUses = visit(document, { Directive: () => null });
  const definitions = withoutDirectiveUses.definitions.filter((definition: DefinitionNode) => {
    if (definition.kind === Kind.DIRECTIVE_DEFINITION) return false;
    if ('name' in definition && definition.name && isFederationName(definition.name.value)) return false;
    return true;
  });
  return buildASTSchema({ ...withoutDirectiveUses, definitions });
}
