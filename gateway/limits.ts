import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * graphql-armor throws its rejection by default, and Apollo Server responds to that with status 500.
 * Reporting it instead makes it an ordinary validation error (GRAPHQL_VALIDATION_FAILED, 400).
 */
const reportRejection = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => {
      const reason = error.message.replace(/^Syntax Error: /, '');
      context?.reportError(new GraphQLError(`${reason} Split the operation into smaller ones.`));
    },
  ],
};

/**
 * Deepest field nesting an operation may have. The deepest useful path of the schema today,
 * viewer → workspaces → projects → tasks → nodes → assignees → name, has 7 levels. Each extra
 * level of nested lists can multiply the response by up to 100.
 */
export const maxDepth = 12;

/** Most aliases an operation may use; each alias of a field on another subgraph costs a subgraph request. */
export const maxAliases = 100;

/** Rejects subscription operations, which the gateway does not serve, as a validation error. */
const noSubscriptions: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are not supported; send queries and mutations only.', { nodes: node }));
    }
  },
});

/** Validation rules that bound what one operation may cost, checked before any subgraph is called. */
export const operationLimits: ValidationRule[] = [
  maxDepthRule({ n: maxDepth, ignoreIntrospection: true, flattenFragments: true, exposeLimits: true, ...reportRejection }),
  maxAliasesRule({ n: maxAliases, exposeLimits: true, ...reportRejection }),
  noSubscriptions,
];
