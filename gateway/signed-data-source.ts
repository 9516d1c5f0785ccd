import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { context as traceContext, propagation } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { isClientSafeCode } from '../subgraphs/common/errors.js';
import { GATEWAY_SIGNATURE_HEADER, SESSION_CHANGED_HEADER, signGatewayAssertion, type GatewayAssertion } from '../subgraphs/common/gateway-signature.js';
import type { Dispatch } from '../subgraphs/common/http.js';
import type { ServiceMetrics } from '../subgraphs/common/metrics.js';
import { inDispatchSpans } from '../subgraphs/common/tracing.js';
import type { Viewer } from '../subgraphs/common/viewer.js';
import type { GatewayContext } from './context.js';

/**
 * Header that carries the assertion claims from `willSendRequest` to the fetcher, which
 * replaces it by the signature. It never leaves the gateway.
 */
const pendingAssertionHeader = 'x-tandem-pending-assertion';

/**
 * A subgraph data source that signs each request with the subgraph's secret. The
 * signature is made in the fetcher because only there is the request body final: it binds
 * the exact bytes sent. With `dispatch`, requests go to a subgraph in the same process
 * instead of over HTTP, signed and checked all the same.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    subgraph: string,
    key: Uint8Array,
    private readonly changeViewer: (change: string, current: Viewer | null) => Promise<Viewer | null>,
    metrics?: ServiceMetrics,
    dispatch?: Dispatch,
  ) {
    super({ url });
    this.fetcher = signingFetcher(dispatch ? dispatchingFetch(dispatch) : keepAliveFetch, subgraph, key, metrics);
  }

  /**
   * Follows a session change that a subgraph reports (sign-in, workspace switch, log-out),
   * so that the operation's later subgraph requests carry the changed viewer.
   */
  override async didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    const change = response.http?.headers.get(SESSION_CHANGED_HEADER);
    if (change) context.viewer = await this.changeViewer(change, context.viewer);
    return response;
  }

  /**
   * Turns a subgraph's 400 response into the GraphQL error it carries, such as a variable
   * that failed the subgraph's scalar parsing, so the client sees its code and message. Any
   * other failed response keeps its URL and body under `extensions.response`, which the
   * gateway logs and masks.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the log.
    }

    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | null)?.errors?.[0];
    if (response.status === 400 && typeof first?.message === 'string' && isClientSafeCode(first.extensions?.code)) {
      return new GraphQLError(first.message, { extensions: { code: first.extensions.code } });
    }
    return new GraphQLError(`Subgraph request failed with HTTP status ${response.status}.`, {
      extensions: { response: { url: response.url, status: response.status, body } },
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const assertion: GatewayAssertion = { viewer: context?.viewer ?? null, requestId: context?.requestId ?? randomUUID() };
    request.http?.headers.set(pendingAssertionHeader, JSON.stringify(assertion));
  }
}

const agentOptions = { keepAlive: true };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

/**
 * A subgraph response that has been read whole. The data source reads only its status, headers
 * and JSON text. A fetch `Response` would pass the text through web streams first, which showed
 * in the gateway's CPU profile (BENCHMARKS.md).
 */
class WholeResponse implements FetcherResponse {
  readonly bodyUsed = false;
  readonly redirected = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new TextEncoder().encode(this.body).buffer;
  }

  clone(): WholeResponse {
    return new WholeResponse(this.url, this.status, this.statusText, new Headers(this.headers), this.body);
  }
}

/**
 * Sends a subgraph request with node:http over a keep-alive agent and returns the whole response.
 * The data source's default fetcher, make-fetch-happen, adds retry, cache and agent layers that a
 * subgraph request does not use, and they were a large item in the gateway's CPU profile
 * (BENCHMARKS.md). Node's fetch (undici) would bypass the http module, and with it the
 * OpenTelemetry http instrumentation that makes the gateway's client spans.
 */
const keepAliveFetch: Fetcher = (url, init) =>
  new Promise<FetcherResponse>((resolve, reject) => {
    const target = new URL(url);
    // Read from the module object at each call, because the OpenTelemetry http instrumentation
    // patches it there. A named ESM import of a built-in would keep the unpatched function.
    const send = target.protocol === 'https:' ? https.request : http.request;
    const request = send(target, { method: init?.method ?? 'GET', headers: init?.headers, agent: target.protocol === 'https:' ? httpsAgent : httpAgent }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (Array.isArray(value)) for (const item of value) headers.append(name, item);
          else if (value !== undefined) headers.set(name, value);
        }
        resolve(new WholeResponse(url, incoming.statusCode ?? 502, incoming.statusMessage ?? '', headers, Buffer.concat(chunks).toString('utf8')));
      });
    });
    request.on('error', reject);
    request.end(init?.body);
  });

/**
 * Hands a subgraph request to a subgraph in the same process. The subgraph checks the signature,
 * runs the operation and masks errors as for a request over HTTP. The response has the same
 * status, headers and JSON text, so the data source reads it unchanged. This saves writing,
 * reading and parsing HTTP on both sides of each subgraph request.
 */
function dispatchingFetch(dispatch: Dispatch): Fetcher {
  return async (url, init) => {
    const body = init?.body ?? '';
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const dispatched = await inDispatchSpans((init?.headers ?? {}) as Record<string, string>, (headers) => dispatch({ headers, body: text }));
    return new WholeResponse(url, dispatched.status, '', new Headers(dispatched.headers), dispatched.body);
  };
}

/**
 * Wraps the data source's fetcher: signs each request, passes the request id and the W3C
 * trace context (`traceparent`, when tracing is on) on, and times the request for metrics.
 */
function signingFetcher(fetcher: Fetcher, subgraph: string, key: Uint8Array, metrics?: ServiceMetrics): Fetcher {
  return async (url, init) => {
    const headers: Record<string, string> = { ...(init?.headers as Record<string, string> | undefined) };
    const pending = headers[pendingAssertionHeader];
    delete headers[pendingAssertionHeader];
    const assertion: GatewayAssertion = pending ? JSON.parse(pending) : { viewer: null, requestId: randomUUID() };

    headers[GATEWAY_SIGNATURE_HEADER] = await signGatewayAssertion(key, subgraph, init?.body ?? '', assertion);
    headers['x-request-id'] = assertion.requestId;
    // Without a registered OpenTelemetry SDK the propagator does nothing.
    propagation.inject(traceContext.active(), headers);

    const startedAt = performance.now();
    let ok = false;
    try {
      const response = await fetcher(url, { ...init, headers });
      ok = response.status < 400;
      return response;
    } finally {
      metrics?.observeSubgraphFetch(subgraph, ok, (performance.now() - startedAt) / 1000);
    }
  };
}
