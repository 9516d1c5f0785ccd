// A minimal GraphQL client over fetch, as a web app would call the gateway.

export interface GraphQLReply {
  status: number;
  /** The response body exactly as received. */
  text: string;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

export async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLReply['body'];
  try {
    body = JSON.parse(text) as GraphQLReply['body'];
  } catch {
    throw new Error(`HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, text, body };
}

/** Sends an operation and returns its data; throws on GraphQL errors and on any non-empty userErrors. */
export async function call(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<any> {
  const reply = await post(url, query, variables, token);
  const firstLine = query.trim().split('\n')[0];
  if (reply.body.errors?.length) throw new Error(`${firstLine}: ${JSON.stringify(reply.body.errors)}`);
  for (const payload of Object.values(reply.body.data ?? {})) {
    const userErrors = (payload as { userErrors?: unknown[] } | null)?.userErrors;
    if (userErrors && userErrors.length > 0) throw new Error(`${firstLine}: user errors ${JSON.stringify(userErrors)}`);
  }
  return reply.body.data;
}
