import type { IncomingMessage, Server } from 'node:http';
import type { DatabaseHandle } from '../db/client.js';
import { randomSecret } from '../subgraphs/common/config.js';
import { graphqlPath, type Dispatch } from '../subgraphs/common/http.js';
import type { Logger } from '../subgraphs/common/logger.js';
import { startSubgraph, type RunningSubgraph, type SubgraphName } from '../subgraphs/common/subgraph.js';
import { identitySubgraph } from '../subgraphs/identity/index.js';
import { sharingSubgraph } from '../subgraphs/sharing/index.js';
import type { InvitationSettings } from '../subgraphs/sharing/invitation/settings.js';
import { workSubgraph } from '../subgraphs/work/index.js';
import { startGateway, type SubgraphEndpoint } from './gateway.js';
import type { LimitSettings } from './limits.js';
import type { PersistedOperationSettings } from './persisted-operations.js';

export interface EmbeddedGraphOptions {
  database: DatabaseHandle;
  tokenKey: Uint8Array;
  tokenTtlSeconds: number;
  /** The gateway's port; 0 picks a free one. */
  port: number;
  host: string;
  log: Logger;
  /** Whether anonymous callers may introspect the schema. Signed-in callers always may. */
  anonymousIntrospection: boolean;
  invitations: InvitationSettings;
  /** The gateway's limits. When unset, they are read from the environment. */
  limits?: LimitSettings;
  /** Automatic persisted queries and safelisting. When unset, they are read from the environment. */
  persistedOperations?: PersistedOperationSettings;
  /**
   * The path of the gateway's GraphQL requests to the subgraphs: handed over in this process
   * (the default), or over loopback HTTP as between separate processes. Both are signed.
   */
  subgraphRequests?: 'in-process' | 'http';
}

export interface EmbeddedGraph {
  /** The gateway's GraphQL URL. */
  url: string;
  subgraphs: Record<SubgraphName, SubgraphEndpoint>;
  /**
   * Each subgraph's HTTP server, for tests that observe the requests the gateway sends. Its
   * GraphQL requests reach it only when `subgraphRequests` is "http".
   */
  subgraphServers: Record<SubgraphName, Server>;
  /**
   * Calls `listener` with the subgraph's name and the request target for each request a subgraph
   * receives, over HTTP or handed over in this process, for tests that count them. Returns a
   * function that removes it.
   */
  onSubgraphRequest(listener: (subgraph: SubgraphName, target: string) => void): () => void;
  close(): Promise<void>;
}

/**
 * Starts the three subgraphs and the gateway in this process. Subgraphs listen on free loopback
 * ports with secrets made for this run. The gateway signs every subgraph request as in a
 * deployment of separate processes. Each subgraph checks the signature, runs its shield rules and
 * masks errors the same way. By default the gateway hands a GraphQL request to the subgraph in
 * this process instead of sending it through a socket. Internal endpoints and health checks use HTTP.
 */
export async function startEmbeddedGraph(options: EmbeddedGraphOptions): Promise<EmbeddedGraph> {
  const db = options.database.db;
  const started: { close(): Promise<void> }[] = [];
  const subgraphs = {} as Record<SubgraphName, SubgraphEndpoint>;
  const subgraphServers = {} as Record<SubgraphName, Server>;
  const requestListeners = new Set<(subgraph: SubgraphName, target: string) => void>();
  const notify = (subgraph: SubgraphName, target: string) => {
    for (const listener of requestListeners) listener(subgraph, target);
  };

  try {
    const definitions = [identitySubgraph({ key: options.tokenKey, ttlSeconds: options.tokenTtlSeconds }), sharingSubgraph(options.invitations), workSubgraph] as const;
    for (const definition of definitions) {
      const secret = randomSecret();
      const server: RunningSubgraph = await startSubgraph(definition as Parameters<typeof startSubgraph>[0], { db, secret, port: 0, host: '127.0.0.1', log: options.log });
      started.push(server);
      const name = definition.name;
      const dispatch: Dispatch = (request) => {
        notify(name, graphqlPath);
        return server.dispatch(request);
      };
      subgraphs[name] = { url: server.url, secret, ...(options.subgraphRequests === 'http' ? {} : { dispatch }) };
      subgraphServers[name] = server.server;
      server.server.on('request', (request: IncomingMessage) => notify(name, request.url ?? ''));
    }
    const gateway = await startGateway({
      db,
      tokenKey: options.tokenKey,
      subgraphs,
      port: options.port,
      host: options.host,
      log: options.log,
      anonymousIntrospection: options.anonymousIntrospection,
      limits: options.limits,
      persistedOperations: options.persistedOperations,
    });
    started.push(gateway);

    return {
      url: gateway.url,
      subgraphs,
      subgraphServers,
      onSubgraphRequest: (listener) => {
        requestListeners.add(listener);
        return () => requestListeners.delete(listener);
      },
      close: async () => {
        for (const server of started.reverse()) await server.close();
      },
    };
  } catch (error) {
    for (const server of started.reverse()) await server.close();
    throw error;
  }
}
