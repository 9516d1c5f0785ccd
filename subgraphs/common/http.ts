import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { ErrorCode } from './errors.js';
import { requestScope, type Logger } from './logger.js';

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
  createContext(request: IncomingMessage, rawBody: string, requestId: string): Promise<TContext>;
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
 * them, a readiness check on `/ready` and metrics on `/metrics`. Each request runs in a
 * `requestScope` with its request id, taken from a valid `x-request-id` header or generated.
 */
export function createGraphQLListener<TContext extends BaseContext>(options: GraphQLHttpOptions<TContext>) {
  const handle = async (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      sendJson(response, 400, { errors: [{ message: 'The request target is not a valid URL.', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    if (url.pathname === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      sendJson(response, 200, { status: 'ok' });
      return;
    }

    try {
      if (url.pathname === '/ready' && options.readiness && (request.method === 'GET' || request.method === 'HEAD')) {
        const report = await options.readiness();
        sendJson(response, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', checks: report.checks });
        return;
      }
      if (url.pathname === '/metrics' && options.metrics && request.method === 'GET') {
        const { contentType, text } = await options.metrics.serve(request);
        response.setHeader('content-type', contentType);
        response.end(text);
        return;
      }
      const internalRoute = options.internalRoutes?.[url.pathname];
      if (internalRoute && request.method === 'POST') {
        const rawBody = await readBody(request, options.maxBodyBytes);
        const context = await options.createContext(request, rawBody, requestId);
        sendJson(response, 200, await internalRoute(context, parseJsonBody(request, rawBody)));
        return;
      }
      if (url.pathname !== graphqlPath) throw new HttpError(404, 'BAD_REQUEST', `No resource at "${url.pathname}"; send GraphQL requests to "${graphqlPath}".`);
      if (request.method !== 'POST' && !(options.allowGet && request.method === 'GET')) {
        throw new HttpError(405, 'BAD_REQUEST', `Method ${request.method} is not allowed; send GraphQL requests with POST${options.allowGet ? ' or GET' : ''}.`);
      }

      const rawBody = request.method === 'POST' ? await readBody(request, options.maxBodyBytes) : '';
      const context = await options.createContext(request, rawBody, requestId);
      const parsed = { method: request.method ?? 'POST', body: request.method === 'POST' ? parseJsonBody(request, rawBody) : undefined, search: url.search };
      const { body, search } = options.prepareRequest ? await options.prepareRequest(context, parsed) : parsed;

      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const result = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'POST', headers, search, body },
        context: async () => context,
      });

      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) response.write(chunk);
        response.end();
      }
    } catch (error) {
      if (error instanceof HttpError) {
        options.metrics?.countError(error.code);
        sendJson(response, error.status, { errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] });
        return;
      }
      options.log.error({ err: error, requestId }, 'Request failed outside GraphQL execution; responded with status 500.');
      options.metrics?.countError('INTERNAL_SERVER_ERROR');
      sendJson(response, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const header = request.headers['x-request-id'];
    const requestId = typeof header === 'string' && requestIdPattern.test(header) ? header : randomUUID();
    response.setHeader('x-request-id', requestId);
    if (options.metrics) {
      const metrics = options.metrics;
      response.once('close', () => metrics.requestFinished(pathOf(request), request.method ?? '', response.statusCode));
    }
    await requestScope.run({ requestId }, () => handle(request, response, requestId));
  };
}

/** Returns the path of a request's target, or '' when the target is not a valid URL. */
function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(value));
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

function parseJsonBody(request: IncomingMessage, rawBody: string): unknown {
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
