import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GATEWAY_SIGNATURE_HEADER, signGatewayAssertion, type GatewayAssertion } from '../subgraphs/common/gateway-signature.js';
import type { GatewayContext } from './context.js';

/**
 * Header that carries the assertion claims from `willSendRequest` to the fetcher, which
 * replaces it by the signature. It never leaves the gateway.
 */
const pendingAssertionHeader = 'x-tandem-pending-assertion';

/**
 * A subgraph data source that signs each request with the subgraph's secret. The
 * signature is made in the fetcher because only there is the request body final: it binds
 * the exact bytes sent.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, subgraph: string, key: Uint8Array) {
    super({ url });
    this.fetcher = signingFetcher(this.fetcher, subgraph, key);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const assertion: GatewayAssertion = { viewer: context?.viewer ?? null, requestId: context?.requestId ?? randomUUID() };
    request.http?.headers.set(pendingAssertionHeader, JSON.stringify(assertion));
  }
}

function signingFetcher(fetcher: Fetcher, subgraph: string, key: Uint8Array): Fetcher {
  return async (url, init) => {
    const headers: Record<string, string> = { ...(init?.headers as Record<string, string> | undefined) };
    const pending = headers[pendingAssertionHeader];
    delete headers[pendingAssertionHeader];
    const assertion: GatewayAssertion = pending ? JSON.parse(pending) : { viewer: null, requestId: randomUUID() };

    headers[GATEWAY_SIGNATURE_HEADER] = await signGatewayAssertion(key, subgraph, init?.body ?? '', assertion);
    headers['x-request-id'] = assertion.requestId;
    return fetcher(url, { ...init, headers });
  };
}
