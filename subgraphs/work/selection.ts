import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Returns whether the field being resolved selects the subfield at `path` (such as `nodes`, then
 * `task`), also through inline and named fragments. Resolvers use it so that a loader reads a
 * total or a related row in the same statement as the rows only when the query selects it.
 */
export function selectsSubfield(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'> | undefined, ...path: string[]): boolean {
  if (!info || path.length === 0) return false;
  const search = (selectionSet: SelectionSetNode | undefined, depth: number, visited: Set<string>): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== path[depth]) continue;
        if (depth === path.length - 1 || search(selection.selectionSet, depth + 1, new Set())) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (search(selection.selectionSet, depth, visited)) return true;
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        if (search(info.fragments[selection.name.value]?.selectionSet, depth, visited)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => search(node.selectionSet, 0, new Set()));
}
