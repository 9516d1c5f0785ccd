import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersistedQueryOptions } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { and, eq } from 'drizzle-orm';
import { Kind, parse } from 'graphql';
import { Redis } from 'ioredis';
import type { Database } from '../db/client.js';
import { activePersistedOperationsView } from '../db/identity/contract.js';
import { HttpError, type GraphQLRequestParts } from '../subgraphs/common/http.js';
import type { Logger } from '../subgraphs/common/logger.js';
import { checkManifest, isManifestProblemList, strippedHash } from '../subgraphs/common/persisted-manifest.js';
import type { GatewayContext } from './context.js';

/** Treatment of operations outside the caller's safelist: none, a log line, or rejection. */
export type SafelistMode = 'off' | 'log' | 'enforce';

export interface PersistedOperationSettings {
  mode: SafelistMode;
  /** Folder of manifest files for first-party apps; null for none. */
  manifestDir: string | null;
  /** Redis for the automatic persisted query cache, shared by every gateway replica; null keeps it in memory. */
  redisUrl: string | null;
  /** Seconds an automatically persisted query stays cached. */
  apqTtlSeconds: number;
}

/** Reads PERSISTED_OPERATIONS (off, log or enforce; off by default), PERSISTED_OPERATIONS_DIR and REDIS_URL. */
export function readPersistedOperationSettings(env: NodeJS.ProcessEnv = process.env): PersistedOperationSettings {
  const mode = env.PERSISTED_OPERATIONS ?? 'off';
  if (mode !== 'off' && mode !== 'log' && mode !== 'enforce') {
    throw new Error(`PERSISTED_OPERATIONS=${JSON.stringify(mode)} is invalid; set off, log or enforce.`);
  }
  return { mode, manifestDir: env.PERSISTED_OPERATIONS_DIR || null, redisUrl: env.REDIS_URL || null, apqTtlSeconds: 86_400 };
}

/** The operations one caller may run: looked up by manifest ID or by their text up to insignificant characters. */
interface Safelist {
  byId(id: string): Promise<string | null>;
  byText(query: string): Promise<boolean>;
}

/** Loads the manifests of a folder; a file that is not a valid manifest stops the start with its problems. */
function loadManifestFolder(folder: string): Safelist {
  const bodies = new Map<string, string>();
  const stripped = new Set<string>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json')).sort()) {
    const checked = checkManifest(JSON.parse(readFileSync(join(folder, file), 'utf8')));
    if (isManifestProblemList(checked)) {
      throw new Error(`${join(folder, file)} is not a valid persisted operation manifest: ${checked.map((problem) => `${problem.path.join('.')}: ${problem.message}`).join('; ')}`);
    }
    for (const operation of checked) {
      bodies.set(operation.id, operation.body);
      stripped.add(operation.strippedHash);
    }
  }
  return {
    byId: async (id) => bodies.get(id) ?? null,
    byText: async (query) => stripped.has(strippedHash(query) ?? ''),
  };
}

/** Reads the operations an integration token registered from the identity subgraph's published view. */
function tokenSafelist(db: Database, tokenId: string): Safelist {
  const view = activePersistedOperationsView;
  return {
    async byId(id) {
      const [row] = await db.select({ body: view.body }).from(view).where(and(eq(view.integrationTokenId, tokenId), eq(view.operationId, id)));
      return row?.body ?? null;
    },
    async byText(query) {
      const hash = strippedHash(query);
      if (!hash) return false;
      const [row] = await db.select({ id: view.operationId }).from(view).where(and(eq(view.integrationTokenId, tokenId), eq(view.strippedHash, hash)));
      return row !== undefined;
    },
  };
}

/** The automatic persisted query cache in Redis. A Redis failure is logged and counts as a miss, so requests still run. */
class RedisQueryCache implements KeyValueCache<string> {
  private failing = false;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  private report(error: unknown): void {
    if (!this.failing) this.log.warn({ err: error }, 'The persisted query cache in Redis failed; queries are served without it until it works again.');
    this.failing = true;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const value = await this.redis.get(this.prefix + key);
      this.failing = false;
      return value ?? undefined;
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    try {
      if (options?.ttl) await this.redis.set(this.prefix + key, value, 'EX', options.ttl);
      else await this.redis.set(this.prefix + key, value);
    } catch (error) {
      this.report(error);
    }
  }

  async delete(key: string): Promise<boolean | void> {
    try {
      await this.redis.del(this.prefix + key);
    } catch (error) {
      this.report(error);
    }
  }
}

/** Reads the parts of a GraphQL request that safelisting needs, from a POST body or a GET query string. */
function readRequest(parts: GraphQLRequestParts): { query: string | null; hash: string | null; operationName: string | null } {
  let source: { query?: unknown; extensions?: unknown; operationName?: unknown };
  if (parts.method === 'GET') {
    const params = new URLSearchParams(parts.search);
    let extensions: unknown;
    try {
      extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
    } catch {
      extensions = undefined;
    }
    source = { query: params.get('query') ?? undefined, extensions, operationName: params.get('operationName') ?? undefined };
  } else {
    source = parts.body && typeof parts.body === 'object' && !Array.isArray(parts.body) ? (parts.body as typeof source) : {};
  }
  const hash = (source.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return {
    query: typeof source.query === 'string' && source.query !== '' ? source.query : null,
    hash: typeof hash === 'string' ? hash.toLowerCase() : null,
    operationName: typeof source.operationName === 'string' ? source.operationName : null,
  };
}

/** Returns the name of a text's first operation, for messages; null when it has none or does not parse. */
function nameInText(query: string): string | null {
  try {
    const operation = parse(query).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    return operation?.kind === Kind.OPERATION_DEFINITION ? (operation.name?.value ?? null) : null;
  } catch {
    return null;
  }
}

/** Returns the request with `query` filled in. */
function withQuery(parts: GraphQLRequestParts, query: string): GraphQLRequestParts {
  if (parts.method === 'GET') {
    const params = new URLSearchParams(parts.search);
    params.set('query', query);
    return { ...parts, search: `?${params.toString()}` };
  }
  return { ...parts, body: { ...(parts.body as object), query } };
}

export interface PersistedOperations {
  /** Apollo Server's `persistedQueries` option: its cache for automatic persisted queries. */
  apq: PersistedQueryOptions;
  /** The HTTP listener's `prepareRequest` hook, which applies safelisting. */
  prepareRequest(context: GatewayContext, parts: GraphQLRequestParts): Promise<GraphQLRequestParts>;
  close(): Promise<void>;
}

/**
 * Sets up automatic persisted queries and safelisting. An integration token's safelist is what it
 * registered with `registerPersistedOperations`; everyone else's is the folder's manifests, and
 * without manifests they are not limited. A registered operation runs by its manifest ID alone.
 * Under `enforce` anything else is rejected before any subgraph is called; under `log` it runs
 * and is logged.
 */
export function createPersistedOperations(settings: PersistedOperationSettings, db: Database, log: Logger): PersistedOperations {
  const appSafelist = settings.manifestDir ? loadManifestFolder(settings.manifestDir) : null;
  const redis = settings.redisUrl ? new Redis(settings.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false }) : null;
  redis?.on('error', () => undefined);
  const apq: PersistedQueryOptions = redis
    ? { cache: new RedisQueryCache(redis, 'tandem:apq:', log.child({ component: 'persisted-queries' })), ttl: settings.apqTtlSeconds }
    : { ttl: settings.apqTtlSeconds };

  async function prepareRequest(context: GatewayContext, parts: GraphQLRequestParts): Promise<GraphQLRequestParts> {
    if (settings.mode === 'off') return parts;
    const integration = context.viewer?.integration;
    const safelist = integration ? tokenSafelist(db, integration.tokenId) : appSafelist;
    if (!safelist) return parts;
    const { query, hash, operationName } = readRequest(parts);
    const caller = integration ? `integration token ${integration.tokenId}` : 'this caller';

    if (query === null && hash !== null) {
      const body = await safelist.byId(hash);
      if (body !== null) return withQuery(parts, body);
      if (settings.mode === 'enforce') {
        throw new HttpError(400, 'PERSISTED_QUERY_NOT_IN_LIST', `The operation with id ${hash} is not registered for ${caller}; register it in a persisted operation manifest first.`, { id: hash });
      }
      context.log.warn({ operationId: hash, operationName, integrationTokenId: integration?.tokenId }, 'An operation outside the safelist ran by id.');
      return parts;
    }
    if (query !== null && !(await safelist.byText(query))) {
      if (settings.mode === 'enforce') {
        throw new HttpError(400, 'OPERATION_NOT_IN_SAFELIST', `The operation ${operationName ?? nameInText(query) ?? '(unnamed)'} is not registered for ${caller}; send the id of a registered operation, or register this one in a persisted operation manifest.`);
      }
      context.log.warn({ operationName, integrationTokenId: integration?.tokenId }, 'An operation outside the safelist ran as text.');
    }
    return parts;
  }

  return {
    apq,
    prepareRequest,
    async close() {
      if (redis) await redis.quit().catch(() => undefined);
    },
  };
}
