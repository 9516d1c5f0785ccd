import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { startEmbeddedGraph, type EmbeddedGraph } from '../gateway/embedded.js';
import { defaultLimitSettings, type LimitSettings } from '../gateway/limits.js';
import type { PersistedOperationSettings } from '../gateway/persisted-operations.js';
import { createLogger, type Logger } from '../subgraphs/common/logger.js';

/**
 * Opens a fresh database: a new PostgreSQL database when DATABASE_URL is set (dropped again on
 * close), else an in-memory PGlite. Migrations are applied.
 */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({});
    await database.migrate();
    return database;
  }

  const created = await createPostgresDatabase(serverUrl);
  const database = await openDatabase({ url: created.url, maxConnections: 5 });
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      await created.drop();
    },
  };
}

/** Creates an empty database on the server of `serverUrl`; `drop` removes it again. */
export async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tandem_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export interface GraphQLResponse<TData = any> {
  status: number;
  data?: TData;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  /** The response's `extensions`, such as the cost report. */
  extensions?: Record<string, any>;
  headers: Headers;
}

export interface TestGraph extends EmbeddedGraph {
  database: DatabaseHandle;
  tokenKey: Uint8Array;
  /** Sends an operation through the gateway over HTTP, with `token` as the bearer token. */
  request<TData = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<TData>>;
}

export interface TestGraphOptions {
  prepare?(database: DatabaseHandle): Promise<unknown>;
  /**
   * The gateway's limits. By default those of production, except that no per-caller cost
   * budget applies, because suites send thousands of operations as a few callers.
   */
  limits?: LimitSettings;
  /** Automatic persisted queries and safelisting; by default queries are cached in memory and not limited. */
  persistedOperations?: Partial<PersistedOperationSettings>;
  /** The logger of every server; by default one at LOG_LEVEL, silent when that is unset. */
  log?: Logger;
  /** Whether anonymous callers may introspect the schema. True by default, as outside production. */
  anonymousIntrospection?: boolean;
  /**
   * The path of the gateway's requests to the subgraphs: in this process by default, as in
   * `npm start`. Suites that read the requests on `subgraphServers` need "http"; to count
   * requests in either mode, use `onSubgraphRequest`.
   */
  subgraphRequests?: 'in-process' | 'http';
}

/** Starts the whole graph in this process on free ports, over a fresh database that `prepare` may fill first. */
export async function startTestGraph(options: TestGraphOptions = {}): Promise<TestGraph> {
  const database = await openTestDatabase();
  await options.prepare?.(database);
  const tokenKey = randomBytes(32);
  let log = options.log;
  if (!log) {
    log = createLogger('test');
    log.level = process.env.LOG_LEVEL ?? 'silent';
  }
  const graph = await startEmbeddedGraph({
    database,
    tokenKey,
    tokenTtlSeconds: 3600,
    port: 0,
    host: '127.0.0.1',
    log,
    anonymousIntrospection: options.anonymousIntrospection ?? true,
    invitations: { acceptUrlBase: 'http://tandem.test/invitations', ttlDays: 14, logAcceptLinks: false },
    limits: options.limits ?? { ...defaultLimitSettings, budget: null },
    persistedOperations: { mode: 'off', manifestDir: null, redisUrl: null, apqTtlSeconds: 3600, ...options.persistedOperations },
    subgraphRequests: options.subgraphRequests ?? 'in-process',
  });

  return {
    ...graph,
    database,
    tokenKey,
    request: (query, variables, token) => postGraphQL(graph.url, { query, variables }, token),
    close: async () => {
      await graph.close();
      await database.close();
    },
  };
}

export async function postGraphQL<TData = any>(url: string, body: unknown, token?: string, extraHeaders: Record<string, string> = {}): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extraHeaders },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { data?: TData; errors?: GraphQLResponse['errors']; extensions?: Record<string, any> };
  return { status: response.status, data: json.data, errors: json.errors, extensions: json.extensions, headers: response.headers };
}
