import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, deny, rule, shield, type IRules } from 'graphql-shield';
import { forbidden, unauthenticated } from './errors.js';
import type { RequestContext } from './context.js';

/**
 * Wraps a schema in its shield rule tree. Every option is set on purpose: fields without
 * a rule are denied with FORBIDDEN, and errors that rules or resolvers return pass through
 * (and are masked later when they carry no registered code).
 */
export function protectSchema(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  const permissions = shield(rules, {
    fallbackRule: deny,
    fallbackError: forbidden(),
    allowExternalErrors: true,
    debug: false,
    hashFunction: strictCacheKey,
  });
  return applyMiddleware(schema, permissions);
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/**
 * Keys shield's per-request cache of `strict` rules by the parent object's identity and the
 * arguments. Shield's default key is an object-hash of both, which hashes the whole parent row
 * for every field and was the largest item in the subgraphs' CPU profiles (BENCHMARKS.md). Two
 * fields share a cached decision only when they have the same parent object and arguments with
 * the same JSON, which GraphQL's typed arguments make the same values.
 */
export function strictCacheKey({ parent, args }: { parent: unknown; args: Record<string, unknown> }): string {
  let parentKey = 'none';
  if (typeof parent === 'object' && parent !== null) {
    let id = objectIds.get(parent);
    if (id === undefined) {
      id = nextObjectId++;
      objectIds.set(parent, id);
    }
    parentKey = String(id);
  } else if (parent !== undefined) {
    parentKey = `value:${typeof parent}:${String(parent)}`;
  }
  return `${parentKey}|${argumentsKey(args)}`;
}

function argumentsKey(args: Record<string, unknown>): string {
  if (!args || Object.keys(args).length === 0) return '';
  try {
    return JSON.stringify(args);
  } catch {
    // JSON cannot represent some values, such as a BigInt. Keying by identity then never merges two calls.
    return `object:${strictCacheKey({ parent: args, args: {} })}`;
  }
}

/**
 * Defines a named rule. A rule that throws (a database fault, say) returns the error
 * instead, so it surfaces as that error rather than as FORBIDDEN, which shield makes of a
 * thrown rule.
 */
export function accessRule<TContext extends RequestContext>(
  name: string,
  cache: 'strict' | 'contextual' | 'no_cache',
  decide: (parent: any, args: any, context: TContext) => Promise<boolean | Error> | boolean | Error,
) {
  const resolve: Parameters<ReturnType<typeof rule>>[0] = async (parent, args, context) => {
    try {
      const decision = await decide(parent, args, context as TContext);
      // An anonymous caller is told to sign in rather than that they lack a permission.
      if (decision !== true && !(context as TContext).viewer && isForbidden(decision)) return unauthenticated();
      return decision;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  return rule(name, { cache })(resolve);
}

function isForbidden(decision: false | Error): boolean {
  return decision === false || (decision as { extensions?: { code?: unknown } }).extensions?.code === 'FORBIDDEN';
}

/** The viewer is signed in. */
export const isAuthenticated = accessRule('isAuthenticated', 'contextual', (_parent, _args, context) => (context.viewer ? true : unauthenticated()));

/** Rules every subgraph needs so that the gateway can compose and fetch entities. */
export const federationRules = {
  Query: { _entities: allow, _service: allow },
  _Service: allow,
};

export { allow, deny };
