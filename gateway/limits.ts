import { HeaderMap } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  Kind,
  Lexer,
  TokenKind,
  type GraphQLFormattedError,
  type SelectionSetNode,
  type Source,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ErrorCode } from '../subgraphs/common/errors.js';
import { defaultCostModel, type CostModel } from './cost.js';

/**
 * What one operation, and one caller over time, may cost the graph. README.md lists each limit
 * with its environment variable.
 */
export interface LimitSettings {
  /** Maximum request body size, in bytes. */
  maxBodyBytes: number;
  /** Maximum lexical tokens of an operation's text. The parser stops at the first token past it. */
  maxTokens: number;
  /** Maximum depth of nested fields, with fragments flattened into the fields that spread them. */
  maxDepth: number;
  maxAliases: number;
  /** Maximum distinct response keys at the root of an operation, those from fragments included. */
  maxRootFields: number;
  /** Maximum selections of an operation once every fragment spread is expanded. */
  maxExpandedSelections: number;
  /** Maximum cost of one operation, in points of `costModel`. */
  maxCost: number;
  costModel: CostModel;
  /** The per-caller budget of cost points; null turns it off. */
  budget: BudgetSettings | null;
}

export interface BudgetSettings {
  /** Points in a full budget, which is the maximum a caller can spend in a burst. */
  capacity: number;
  /** Points added back per second, up to `capacity`. */
  refillPerSecond: number;
  /** URL of the Redis server that stores the budgets for every gateway instance. Without it, each gateway keeps them in memory. */
  redisUrl?: string;
  /** Prefix of the budgets' Redis keys. */
  keyPrefix: string;
  /** The clock, in milliseconds since the epoch; tests replace it. Unset, Redis's own clock is used there. */
  now?: () => number;
}

export const defaultLimitSettings: LimitSettings = {
  maxBodyBytes: 1024 * 1024,
  // The full introspection query has 183 tokens, and 100 aliased root fields that each read a page about 1,400.
  maxTokens: 5_000,
  // The deepest useful path of the schema today, viewer → workspaces → projects → tasks →
  // nodes → assignees → name, has 7 levels. Each extra level of nested lists can multiply the
  // response by up to 100.
  maxDepth: 12,
  // Each alias of a field on another subgraph costs a subgraph request.
  maxAliases: 100,
  // Each root field may cost a subgraph request, and up to 100 run in parallel.
  maxRootFields: 100,
  maxExpandedSelections: 10_000,
  // NOTE: estimates, not measured against what a deployment can serve. The README's example
  // query costs 1,123 points and the full introspection query 16,424; 100 tasks with 100
  // comments each, with their authors and mentions, cost about 120,000.
  maxCost: 200_000,
  costModel: defaultCostModel,
  // Two operations at the cost limit in a burst, then 2,000 points a second.
  budget: { capacity: 400_000, refillPerSecond: 2_000, keyPrefix: 'tandem:cost-budget:' },
};

/** Reads the limits from the environment; each unset variable keeps its default. */
export function readLimitSettings(env: NodeJS.ProcessEnv = process.env): LimitSettings {
  const defaults = defaultLimitSettings;
  const capacity = readCount(env, 'COST_BUDGET_CAPACITY', defaults.budget!.capacity, 0);
  const settings: LimitSettings = {
    maxBodyBytes: readCount(env, 'MAX_REQUEST_BODY_BYTES', defaults.maxBodyBytes),
    maxTokens: readCount(env, 'MAX_TOKENS', defaults.maxTokens),
    maxDepth: readCount(env, 'MAX_DEPTH', defaults.maxDepth),
    maxAliases: readCount(env, 'MAX_ALIASES', defaults.maxAliases, 0),
    maxRootFields: readCount(env, 'MAX_ROOT_FIELDS', defaults.maxRootFields),
    maxExpandedSelections: readCount(env, 'MAX_EXPANDED_SELECTIONS', defaults.maxExpandedSelections),
    maxCost: readCount(env, 'MAX_QUERY_COST', defaults.maxCost),
    costModel: {
      ...defaults.costModel,
      defaultListSize: readCount(env, 'COST_DEFAULT_LIST_SIZE', defaults.costModel.defaultListSize),
    },
    budget:
      capacity === 0
        ? null
        : {
            capacity,
            refillPerSecond: readCount(env, 'COST_BUDGET_REFILL_PER_SECOND', defaults.budget!.refillPerSecond),
            redisUrl: env.REDIS_URL || undefined,
            keyPrefix: env.REDIS_KEY_PREFIX || defaults.budget!.keyPrefix,
          },
  };
  checkLimitSettings(settings);
  return settings;
}

/** Throws when a budget could never pay for an operation that the cost limit accepts. */
export function checkLimitSettings(settings: LimitSettings): void {
  if (settings.budget && settings.budget.capacity < settings.maxCost) {
    throw new Error(
      `COST_BUDGET_CAPACITY (${settings.budget.capacity}) is below MAX_QUERY_COST (${settings.maxCost}), so some accepted operations could never run; raise the capacity or lower the cost limit.`,
    );
  }
  if (settings.budget && !(settings.budget.refillPerSecond > 0)) {
    throw new Error('COST_BUDGET_REFILL_PER_SECOND must be above 0, or a spent budget would never refill.');
  }
}

function readCount(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name}=${JSON.stringify(raw)} must be a whole number of at least ${min}.`);
  return value;
}

/** Codes of the rejections that the limits make, with the metric label of each limit. */
export const limitCodes = {
  REQUEST_BODY_TOO_LARGE: 'request_body_size',
  MAX_TOKENS_EXCEEDED: 'tokens',
  MAX_DEPTH_EXCEEDED: 'depth',
  MAX_ALIASES_EXCEEDED: 'aliases',
  MAX_ROOT_FIELDS_EXCEEDED: 'root_fields',
  MAX_EXPANSION_EXCEEDED: 'expansion',
  QUERY_COST_EXCEEDED: 'query_cost',
  COST_BUDGET_EXHAUSTED: 'cost_budget',
} as const satisfies Partial<Record<ErrorCode, string>>;

export type LimitCode = keyof typeof limitCodes;

/**
 * A rejection by one of the limits. Its extensions name the limit and the value the request
 * reached, and reach the client as they are.
 */
export class LimitExceededError extends GraphQLError {
  constructor(
    readonly code: LimitCode,
    message: string,
    readonly limit: number,
    readonly value: number,
    options: { status?: number; headers?: Record<string, string>; details?: Record<string, unknown> } = {},
  ) {
    super(message, {
      extensions: {
        code,
        limit,
        value,
        ...options.details,
        http: { status: options.status ?? 400, headers: new HeaderMap(Object.entries(options.headers ?? {})) },
      },
    });
  }

  /** Formats the error as the client receives it: message, code, limit, value and any details. */
  format(locations?: GraphQLFormattedError['locations']): GraphQLFormattedError {
    const { http: _http, ...extensions } = this.extensions;
    return { message: this.message, ...(locations ? { locations } : {}), extensions };
  }
}

/**
 * Returns the limit rejection that `error` is or wraps: Apollo Server reports a validation
 * rule's error as a new GRAPHQL_VALIDATION_FAILED error whose `originalError` is the rule's.
 */
function limitErrorOf(error: unknown): LimitExceededError | null {
  if (error instanceof LimitExceededError) return error;
  const original = (error as { originalError?: unknown } | null)?.originalError;
  return original instanceof LimitExceededError ? original : null;
}

/**
 * Counts the tokens of `source` the way graphql-js's parser counts them for its `maxTokens`
 * option. Returns the count when the parser stopped at the token past `maxTokens`, which is
 * when the syntax error starts where that token does, and null otherwise. A lexical error ends the count.
 */
function tokenLimitRejection(source: Source, errorPosition: number | undefined, maxTokens: number): { tokens: number } | null {
  const lexer = new Lexer(source);
  let tokens = 0;
  let firstTokenOverLimit: number | undefined;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      tokens += 1;
      if (tokens === maxTokens + 1) firstTokenOverLimit = lexer.token.start;
    }
  } catch {
    // The document is not lexically valid past this point; the tokens before it still count.
  }
  return firstTokenOverLimit !== undefined && firstTokenOverLimit === errorPosition ? { tokens } : null;
}

/**
 * Formats the errors that the limits caused with their own code, limit and value, and returns
 * null for any other error. graphql-js reports a document over `maxTokens` as a plain syntax
 * error (GRAPHQL_PARSE_FAILED), so such errors are recognized by their position.
 */
export function formatLimitError(error: unknown, settings: LimitSettings): GraphQLFormattedError | null {
  const limitError = limitErrorOf(error);
  if (limitError) return limitError.format((error as GraphQLError).locations);

  const parseError = error as GraphQLError | null;
  if (parseError?.extensions?.code !== 'GRAPHQL_PARSE_FAILED' || !parseError.source) return null;
  const rejection = tokenLimitRejection(parseError.source, parseError.positions?.[0], settings.maxTokens);
  if (!rejection) return null;
  return new LimitExceededError(
    'MAX_TOKENS_EXCEEDED',
    `The operation has ${rejection.tokens} tokens, more than the limit of ${settings.maxTokens}. Split it into several operations, or pass long values as variables.`,
    settings.maxTokens,
    rejection.tokens,
  ).format();
}

/**
 * Reads the `found N` count of a graphql-armor rejection message, such as "Query depth limit of
 * 12 exceeded, found 15.", the only place where graphql-armor 2.x reports it. NaN when the wording changes.
 */
function armorFoundCount(error: GraphQLError): number {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * graphql-armor throws its rejection by default, and Apollo Server responds to that with
 * status 500. These options make it report a LimitExceededError to the validation context instead.
 */
function reportAs(createError: (found: number) => LimitExceededError) {
  return {
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(createError(armorFoundCount(error)));
      },
    ],
  };
}

/** Collects the response keys of a selection set at the root of an operation, following fragments. */
function collectRootKeys(selectionSet: SelectionSetNode, context: ValidationContext, keys: Set<string>, visitedFragments: Set<string>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      // __typename costs no subgraph request.
      if (selection.name.value !== '__typename') keys.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectRootKeys(selection.selectionSet, context, keys, visitedFragments);
    } else if (!visitedFragments.has(selection.name.value)) {
      visitedFragments.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) collectRootKeys(fragment.selectionSet, context, keys, visitedFragments);
    }
  }
}

/**
 * Rejects operations with more than `max` root fields. Fields with the same response key
 * merge into one, so the count is of distinct aliases or names.
 */
function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const keys = new Set<string>();
      collectRootKeys(operation.selectionSet, context, keys, new Set());
      if (keys.size > max) {
        context.reportError(
          new LimitExceededError('MAX_ROOT_FIELDS_EXCEEDED', `The operation selects ${keys.size} root fields, more than the limit of ${max}. Split it into several operations.`, max, keys.size),
        );
      }
    },
  });
}

/** Rejects subscription operations, which the gateway does not serve, as a validation error. */
const noSubscriptions: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are not supported; send queries and mutations only.', { nodes: node }));
    }
  },
});

/**
 * Validation rules that bound the shape of one operation, checked before any subgraph is
 * called: depth (fragments flattened), aliases and root fields, fragments counted wherever
 * they are spread.
 */
export function operationLimitRules(settings: LimitSettings): ValidationRule[] {
  return [
    maxDepthRule({
      n: settings.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      ...reportAs(
        (found) =>
          new LimitExceededError(
            'MAX_DEPTH_EXCEEDED',
            `The operation nests fields ${found} levels deep, more than the limit of ${settings.maxDepth}. Select fewer nested levels, and fetch deeper data with a separate operation.`,
            settings.maxDepth,
            found,
          ),
      ),
    }),
    maxAliasesRule({
      n: settings.maxAliases,
      ...reportAs(
        (found) =>
          new LimitExceededError('MAX_ALIASES_EXCEEDED', `The operation uses ${found} aliases, more than the limit of ${settings.maxAliases}. Split it into several operations.`, settings.maxAliases, found),
      ),
    }),
    maxRootFieldsRule(settings.maxRootFields),
    noSubscriptions,
  ];
}

/** The validation rules under the default limits, for servers that take no settings. */
export const operationLimits: ValidationRule[] = operationLimitRules(defaultLimitSettings);
