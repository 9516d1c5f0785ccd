import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { ErrorCode } from './errors.js';
import type { Logger } from './logger.js';

/** A rejection decided before GraphQL execution, sent as a GraphQL-shaped JSON error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Further `extensions` of the error, such as the limit a request exceeded. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The outcome of `GET /ready`: ready when every named check passed. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'failed'>;
}

/** Counts requests and errors for metrics, and serves them on `GET /metrics`. */
export interface HttpMetrics {
  requestFinished(path: string, method: string, status: number): void;
  /** Counts an error sent to a client by its code. */
  countError(code: ErrorCode): void;
  /** Returns the metrics in Prometheus's text format; throws an HttpError when the request may not read them. */
  serve(request: IncomingMessage): Promise<{ contentType: string; text: string }>;
}

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  log: Logger;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  allowGet: boolean;
  /**
   * Checks a request and builds its context. Throwing an `HttpError` rejects the request
   * before its body is parsed as JSON.
   */
  createContext(request: RequestHead, rawBody: string, requestId: string): Promise<TContext>;
  /**
   * Internal JSON endpoints beside GraphQL, by path: the gateway posts to them with the same
   * signature as its GraphQL requests, which `createContext` checks before the handler runs.
   */
  internalRoutes?: Record<string, (context: TContext, body: unknown) => Promise<unknown>>;
  /**
   * Looks at a GraphQL request before Apollo Server runs it, and may return it changed, such as
   * with the text of a persisted operation filled in. Throwing an `HttpError` rejects it.
   */
  prepareRequest?(context: TContext, request: GraphQLRequestParts): Promise<GraphQLRequestParts>;
  /** Checks the server's dependencies for `GET /ready`; without it, `/ready` is not served. */
  readiness?: () => Promise<ReadinessReport>;
  /** Metrics of the server, served on `GET /metrics`. */
  metrics?: HttpMetrics;
}

/**
 * The parts of a request that a context reads: its headers and the address it came from. A
 * request from the same process (`dispatch`) has no socket address.
 */
export interface RequestHead {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string | undefined };
}

/** A response made without a socket: its status, headers and whole body. */
export interface DispatchedResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

/**
 * Serves `POST /graphql` to a caller in the same process, without a socket: the request goes
 * through the same checks, context and Apollo Server as one from the network.
 */
export type Dispatch = (request: { headers: Record<string, string>; body: string }) => Promise<DispatchedResponse>;

/** A request listener for `http.createServer`, with `dispatch` for callers in the same process. */
export type GraphQLListener = ((request: IncomingMessage, response: ServerResponse) => Promise<void>) & { dispatch: Dispatch };

/** A response of `serveGraphQL`, before it is written to a socket or returned to a caller. */
interface Reply {
  status: number;
  headers: [string, string][];
  body: string | AsyncIterable<string>;
}

/** A GraphQL request as it arrived over HTTP: the parsed JSON body of a POST, or the query string of a GET. */
export interface GraphQLRequestParts {
  method: string;
  body: unknown;
  search: string;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
export const graphqlPath = '/graphql';

/**
 * Serves GraphQL on `/graphql`, a liveness check on `/health`, and, when the options provide
 * them, a readiness check on `/ready` and metrics on `/metrics`. Each request has a request id,
 * taken from a valid `x-request-id` header or generated, which `createContext` receives.
 */
export function createGraphQLListener<TContext extends BaseContext>(options: GraphQLHttpOptions<TContext>): GraphQLListener {
  /** Runs a GraphQL request whose body has been read; errors other than `HttpError` propagate. */
  const serveGraphQL = async (head: RequestHead, method: string, search: string, rawBody: string, requestId: string): Promise<Reply> => {
    const context = await options.createContext(head, rawBody, requestId);
    const parsed = { method, body: method === 'POST' ? parseJsonBody(head, rawBody) : undefined, search };
    const { body, search: preparedSearch } = options.prepareRequest ? await options.prepareRequest(context, parsed) : parsed;

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(head.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: preparedSearch, body },
      context: async () => context,
    });
    return { status: result.status ?? 200, headers: [...result.headers], body: result.body.kind === 'complete' ? result.body.string : result.body.asyncIterator };
  };

  /** Turns a failure outside GraphQL execution into its JSON reply, counting it for metrics. */
  const failureReply = (error: unknown, requestId: string): Reply => {
    if (error instanceof HttpError) {
      options.metrics?.countError(error.code);
      return jsonReply(error.status, { errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] });
    }
    options.log.error({ err: error, requestId }, 'Request failed outside GraphQL execution; responded with status 500.');
    options.metrics?.countError('INTERNAL_SERVER_ERROR');
    return jsonReply(500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      await writeReply(response, jsonReply(400, { errors: [{ message: 'The request target is not a valid URL.', extensions: { code: 'BAD_REQUEST' } }] }));
      return;
    }
    if (url.pathname === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      await writeReply(response, jsonReply(200, { status: 'ok' }));
      return;
    }

    let reply: Reply;
    try {
      if (url.pathname === '/ready' && options.readiness && (request.method === 'GET' || request.method === 'HEAD')) {
        const report = await options.readiness();
        reply = jsonReply(report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', checks: report.checks });
      } else if (url.pathname === '/metrics' && options.metrics && request.method === 'GET') {
        const { contentType, text } = await options.metrics.serve(request);
        reply = { status: 200, headers: [['content-type', contentType]], body: text };
      } else if (options.internalRoutes?.[url.pathname] && request.method === 'POST') {
        const internalRoute = options.internalRoutes[url.pathname]!;
        const rawBody = await readBody(request, options.maxBodyBytes);
        const context = await options.createContext(request, rawBody, requestId);
        reply = jsonReply(200, await internalRoute(context, parseJsonBody(request, rawBody)));
      } else {
        if (url.pathname !== graphqlPath) throw new HttpError(404, 'BAD_REQUEST', `No resource at "${url.pathname}"; send GraphQL requests to "${graphqlPath}".`);
        if (request.method !== 'POST' && !(options.allowGet && request.method === 'GET')) {
          throw new HttpError(405, 'BAD_REQUEST', `Method ${request.method} is not allowed; send GraphQL requests with POST${options.allowGet ? ' or GET' : ''}.`);
        }
        const rawBody = request.method === 'POST' ? await readBody(request, options.maxBodyBytes) : '';
        reply = await serveGraphQL(request, request.method, url.search, rawBody, requestId);
      }
    } catch (error) {
      reply = failureReply(error, requestId);
    }
    try {
      await writeReply(response, reply);
    } catch (error) {
      // The status line may be out already, so the client learns of the failure by the closed connection.
      options.log.error({ err: error, requestId }, 'Writing a response failed; closed the connection.');
      response.destroy();
    }
  };

  const listener = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const header = request.headers['x-request-id'];
    const requestId = typeof header === 'string' && requestIdPattern.test(header) ? header : randomUUID();
    response.setHeader('x-request-id', requestId);
    if (options.metrics) {
      const metrics = options.metrics;
      response.once('close', () => metrics.requestFinished(pathOf(request), request.method ?? '', response.statusCode));
    }
    await handle(request, response, requestId);
  };

  const dispatch: Dispatch = async ({ headers, body }) => {
    const header = headers['x-request-id'];
    const requestId = header !== undefined && requestIdPattern.test(header) ? header : randomUUID();
    let reply: Reply;
    try {
      if (Buffer.byteLength(body) > options.maxBodyBytes) throw bodyTooLarge(options.maxBodyBytes, Buffer.byteLength(body), 'received');
      reply = await serveGraphQL({ headers, socket: {} }, 'POST', '', body, requestId);
    } catch (error) {
      reply = failureReply(error, requestId);
    }
    let text = '';
    if (typeof reply.body === 'string') text = reply.body;
    else for await (const chunk of reply.body) text += chunk;
    options.metrics?.requestFinished(graphqlPath, 'POST', reply.status);
    return { status: reply.status, headers: [...reply.headers, ['x-request-id', requestId]], body: text };
  };

  return Object.assign(listener, { dispatch });
}

function jsonReply(status: number, value: unknown): Reply {
  return { status, headers: [['content-type', 'application/json; charset=utf-8']], body: JSON.stringify(value) };
}

/** Writes a reply to a socket's response; a response whose headers went out already is only ended. */
async function writeReply(response: ServerResponse, reply: Reply): Promise<void> {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.statusCode = reply.status;
  for (const [name, value] of reply.headers) response.setHeader(name, value);
  if (typeof reply.body === 'string') {
    response.end(reply.body);
    return;
  }
  for await (const chunk of reply.body) response.write(chunk);
  response.end();
}

/** Returns the path of a request's target, or '' when the target is not a valid URL. */
function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

function bodyTooLarge(maxBytes: number, size: number, measure: 'declared' | 'received'): HttpError {
  const amount = measure === 'declared' ? `The request body has ${size} bytes` : `The request body reached ${size} bytes`;
  return new HttpError(413, 'REQUEST_BODY_TOO_LARGE', `${amount}, more than the limit of ${maxBytes}. Send a shorter operation or smaller variables.`, { limit: maxBytes, value: size });
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes, declared, 'declared');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Without a Content-Length header, reading stops at the first chunk past the limit.
    if (size > maxBytes) throw bodyTooLarge(maxBytes, size, 'received');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonBody(request: RequestHead, rawBody: string): unknown {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/(graphql-response\+)?json\b/i.test(type)) {
    throw new HttpError(415, 'BAD_REQUEST', `Content type "${type}" is not supported; send "application/json".`);
  }
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts an HTTP server; port 0 picks a free port. */
export async function listen(listener: (request: IncomingMessage, response: ServerResponse) => Promise<void>, port: number, host: string): Promise<RunningServer> {
  const server = createServer((request, response) => void listener(request, response));
  // Idle keep-alive sockets stay open longer than the gateway's HTTP agent keeps them, so the
  // client side closes first and never sends on a socket the server is closing. Node's default
  // of 5 s raced it (ECONNRESET after about 5 s without traffic).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shownHost}:${address.port}${graphqlPath}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
