import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import {
  getNamedType,
  getVariableValues,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';

// graphql-armor's cost-limit plugin (2.4) weighs fields by type and depth only and reads no
// arguments, so it cannot count page sizes. graphql-query-complexity walks the operation with its
// variables, fragments and @skip/@include, and the estimator below applies this cost model.

/**
 * The cost model, in points. Every field whose type is an object, interface or union costs
 * `objectCost`. Scalar and enum fields cost nothing, because a subgraph resolves them from the
 * row it has already loaded. A root field of a mutation costs `mutationCost`, because it writes.
 *
 * Lists multiply. A field with a `first` or `last` argument multiplies the cost of its
 * selections by that argument's value, which may come from a variable or the schema's default.
 * The `edges` and `nodes` lists of the connection it returns then count once, since the
 * argument already sized them. Any other list of objects is assumed to contain
 * `defaultListSize` items.
 */
export interface CostModel {
  objectCost: number;
  mutationCost: number;
  defaultListSize: number;
}

export const defaultCostModel: CostModel = {
  objectCost: 1,
  mutationCost: 10,
  // NOTE: an estimate. Lists without arguments (workspace members, project members, a task's
  // assignees) are unpaginated in the schema and usually hold a handful of items, but nothing
  // caps them.
  defaultListSize: 10,
};

/** Arguments whose value is the number of items a field returns. */
const slicingArguments = ['first', 'last'] as const;

/** Returns whether a type is a Relay connection: an object type with `pageInfo` and `edges` or `nodes`. */
function isConnectionType(type: GraphQLCompositeType): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return 'pageInfo' in fields && ('edges' in fields || 'nodes' in fields);
}

/** Returns the page size that a field's `first` or `last` argument sets, or null when the field takes neither. */
function pageSize(args: Record<string, unknown>, hasSlicingArgument: boolean, model: CostModel): number | null {
  if (!hasSlicingArgument) return null;
  const sizes = slicingArguments.map((name) => args[name]).filter((value): value is number => typeof value === 'number');
  // When neither argument has a value, the server picks the page size, which is assumed like a plain list's.
  if (sizes.length === 0) return model.defaultListSize;
  return Math.max(0, ...sizes.map(Math.floor));
}

function costEstimator(schema: GraphQLSchema, model: CostModel): ComplexityEstimator {
  const mutationType = schema.getMutationType();
  return ({ type: parentType, field, args, childComplexity }) => {
    const ownCost = parentType === mutationType ? model.mutationCost : isCompositeType(getNamedType(field.type)) ? model.objectCost : 0;

    const size = pageSize(args, field.args.some((argument) => (slicingArguments as readonly string[]).includes(argument.name)), model);
    if (size !== null) return ownCost + size * childComplexity;

    if (isListType(getNullableType(field.type))) {
      const itemCount = isConnectionType(parentType) && (field.name === 'edges' || field.name === 'nodes') ? 1 : model.defaultListSize;
      return itemCount * (ownCost + childComplexity);
    }
    return ownCost + childComplexity;
  };
}

/** Returns a document with only `operation` and the document's fragments. */
function withOnlyOperation(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
}

/**
 * Computes the cost of one operation of a validated document under `model`. Throws the
 * GraphQLError of the first variable whose value does not match its type.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, model: CostModel, maxExpandedSelections: number): number {
  return getComplexity({
    schema,
    query: withOnlyOperation(document, operation),
    variables: variables ?? {},
    estimators: [costEstimator(schema, model)],
    // countSelections has already rejected larger operations; this only keeps the library's own cap out of the way.
    maxQueryNodes: maxExpandedSelections + 1,
  });
}

/**
 * Counts the selections (fields, fragment spreads and inline fragments) of an operation with
 * every fragment spread replaced by the fragment's selections. That is the number of nodes that
 * a cost calculation visits. A few fragments that each spread the next one twice expand to
 * millions of selections, so each fragment is counted once and its count reused. A fragment
 * cycle, which validation rejects anyway, counts each fragment on it once.
 */
export function countSelections(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCounts = new Map<string, number>();

  const count = (selectionSet: SelectionSetNode | undefined): number => {
    let total = 0;
    for (const selection of selectionSet?.selections ?? []) {
      total += 1;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        let fragmentCount = fragmentCounts.get(name);
        if (fragmentCount === undefined) {
          // Marks the fragment as counted before descending, so that a cycle ends instead of recursing forever.
          fragmentCounts.set(name, 0);
          fragmentCount = count(fragments.get(name)?.selectionSet);
          fragmentCounts.set(name, fragmentCount);
        }
        total += fragmentCount;
      } else {
        total += count(selection.selectionSet);
      }
    }
    return total;
  };
  return count(operation.selectionSet);
}

/** Names of the variables that can change an operation's cost: those in `first` and `last` arguments and in `@skip` and `@include` conditions. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  visit(document, {
    Field(field) {
      for (const argument of field.arguments ?? []) {
        if ((slicingArguments as readonly string[]).includes(argument.name.value)) collect(argument.value);
      }
    },
    Directive(directive) {
      if (directive.name.value === 'skip' || directive.name.value === 'include') collect(directive);
    },
  });
  return [...names].sort();
}

interface OperationCosts {
  selections: number;
  variables: string[];
  /** Costs by the JSON of the values of `variables`. */
  costs: Map<string, number>;
}

/** Most costs kept per operation; a full map is emptied. An estimate: a client sends one operation with a few page sizes. */
const maxCostsPerOperation = 64;

/**
 * Computes selection counts and costs like `countSelections` and `operationCost`, and keeps them
 * per parsed operation. Apollo Server keeps one parsed document per query text, so an operation
 * sent again, with other IDs in its variables, costs a lookup. Only variables that can change
 * the cost are part of the key, and every request's variables are still checked against their
 * types.
 */
export class CostCalculator {
  private readonly bySchema = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, OperationCosts>>();

  constructor(
    private readonly model: CostModel,
    private readonly maxExpandedSelections: number,
  ) {}

  private entry(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationCosts {
    let operations = this.bySchema.get(schema);
    if (!operations) {
      operations = new WeakMap();
      this.bySchema.set(schema, operations);
    }
    let entry = operations.get(operation);
    if (!entry) {
      entry = { selections: countSelections(document, operation), variables: costVariables(withOnlyOperation(document, operation)), costs: new Map() };
      operations.set(operation, entry);
    }
    return entry;
  }

  /** Returns the selection count of `countSelections`. */
  selections(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): number {
    return this.entry(schema, document, operation).selections;
  }

  /** Returns the cost of `operationCost`, and throws the same GraphQLError for variables that do not match their types. */
  cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number {
    const entry = this.entry(schema, document, operation);
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
    // getComplexity throws the last of the coercion errors; the same one is thrown here.
    if (coerced.errors) throw coerced.errors[coerced.errors.length - 1];

    const key = JSON.stringify(entry.variables.map((name) => coerced.coerced[name] ?? null));
    let cost = entry.costs.get(key);
    if (cost === undefined) {
      cost = operationCost(schema, document, operation, variables, this.model, this.maxExpandedSelections);
      if (entry.costs.size >= maxCostsPerOperation) entry.costs.clear();
      entry.costs.set(key, cost);
    }
    return cost;
  }
}
