import { GATEWAY_SIGNATURE_HEADER, secretKey, signGatewayAssertion, type GatewayAssertion } from '../subgraphs/common/gateway-signature.js';
import type { SubgraphName } from '../subgraphs/common/subgraph.js';
import type { SubgraphEndpoint } from './gateway.js';

/**
 * Posts JSON to an internal endpoint of a subgraph, signed like the gateway's GraphQL requests.
 * Throws when the subgraph responds with any status but 200.
 */
export async function callSubgraphInternal(name: SubgraphName, endpoint: SubgraphEndpoint, path: string, body: unknown, assertion: GatewayAssertion): Promise<unknown> {
  const text = JSON.stringify(body);
  const signature = await signGatewayAssertion(secretKey(endpoint.secret, `${name.toUpperCase()}_SUBGRAPH_SECRET`), name, text, assertion);
  const response = await fetch(new URL(path, endpoint.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [GATEWAY_SIGNATURE_HEADER]: signature, 'x-request-id': assertion.requestId },
    body: text,
  });
  if (response.status !== 200) throw new Error(`The ${name} subgraph rejected ${path} with status ${response.status}.`);
  return response.json();
}

/** Posts JSON to an internal endpoint of the sharing subgraph; see `callSubgraphInternal`. */
export function callSharingInternal(endpoint: SubgraphEndpoint, path: string, body: unknown, assertion: GatewayAssertion): Promise<unknown> {
  return callSubgraphInternal('sharing', endpoint, path, body, assertion);
}
