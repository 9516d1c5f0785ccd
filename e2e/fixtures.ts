import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf } from '../db/client.js';
import { GATEWAY_SIGNATURE_HEADER, secretKey, signGatewayAssertion } from '../subgraphs/common/gateway-signature.js';
import type { SubgraphName } from '../subgraphs/common/subgraph.js';
import type { Viewer } from '../subgraphs/common/viewer.js';
import type { TestGraph } from './harness.js';

// Helpers for the authentication and access-control tests. Every HTTP call goes through
// `send`, which keeps the raw response text and checks it for leaked internals.

/** Text that must never appear in a response body: stack traces, SQL, driver and ORM names, subgraph URLs. */
export const leakMarkers = ['stack', 'SELECT', 'select ', 'postgres', 'http://127.0.0.1', 'drizzle'] as const;

/** Asserts that a raw response body shows none of the `leakMarkers`. */
export function expectNoLeak(text: string): void {
  for (const marker of leakMarkers) {
    expect(text.includes(marker), `response body contains ${JSON.stringify(marker)}: ${text.slice(0, 500)}`).toBe(false);
  }
}

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** An HTTP response with its raw text. `data` and `errors` are set when the body is GraphQL JSON. */
export interface RawResponse<TData = any> {
  status: number;
  text: string;
  headers: Headers;
  data?: TData | null;
  errors?: GraphQLErrorShape[];
}

/** Sends one HTTP request, checks its body for leaks and parses it when it is JSON. */
export async function send<TData = any>(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse<TData>> {
  const response = await fetch(url, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  const text = await response.text();
  expectNoLeak(text);
  let parsed: { data?: TData | null; errors?: GraphQLErrorShape[] } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, text, headers: response.headers, data: parsed?.data, errors: parsed?.errors };
}

/** Posts an operation to the gateway with `authorization` as the whole header value, or without the header when it is undefined. */
export function postWithAuthorization<TData = any>(graph: TestGraph, authorization: string | undefined, query: string, variables?: Record<string, unknown>) {
  return send<TData>(graph.url, {
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query, variables }),
  });
}

/** Posts an operation to the gateway with `token` as bearer token. */
export function gql<TData = any>(graph: TestGraph, query: string, variables?: Record<string, unknown>, token?: string) {
  return postWithAuthorization<TData>(graph, token === undefined ? undefined : `Bearer ${token}`, query, variables);
}

/** Asserts that a response carries no GraphQL errors and returns its data. */
export function dataOf<TData = any>(response: RawResponse<TData>): TData {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  expect(response.status).toBe(200);
  expect(response.data).toBeTruthy();
  return response.data as TData;
}

/** Lists the `extensions.code` of each error of a response. */
export function errorCodes(response: RawResponse): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

/** Asserts that a response was rejected before execution with HTTP 401 UNAUTHENTICATED and no data. */
export function expectRejected401(response: RawResponse): void {
  expect(response.status, response.text).toBe(401);
  expect(response.data).toBeUndefined();
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
}

/** Asserts that a mutation was rejected with FORBIDDEN and returned no data. */
export function expectForbidden(response: RawResponse): void {
  expect(errorCodes(response), response.text).toEqual(['FORBIDDEN']);
  expect(response.data ?? null).toBeNull();
}

/** Asserts that a payload contains exactly one user error of `code` on `field` and null under `resultKey`, and returns the error's message. */
export function expectUserError(payload: any, resultKey: string, code: string, field: string[] | null): string {
  expect(payload[resultKey]).toBeNull();
  expect(payload.userErrors).toHaveLength(1);
  expect(payload.userErrors[0]).toMatchObject({ code, field });
  expect(payload.userErrors[0].message).toEqual(expect.any(String));
  return payload.userErrors[0].message;
}

/** Decodes the claims of a JWT without checking its signature. */
export function jwtClaims(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A signed-up account, with the token of the session that signUp opened. */
export interface TestAccount {
  id: string;
  name: string;
  email: string;
  password: string;
  token: string;
  sessionId: string;
  /** The first workspace, made by signUp, of which the account is admin. */
  workspaceId: string;
}

export const defaultPassword = 'long enough password';

export const signUpMutation = `mutation($input: SignUpInput!) {
  signUp(input: $input) {
    accessToken expiresAt
    account { id name email }
    currentWorkspace { id name viewerRole }
    userErrors { code field message }
  }
}`;

export const logInMutation = `mutation($input: LogInInput!) {
  logIn(input: $input) {
    accessToken expiresAt
    account { id name email }
    currentWorkspace { id name }
    userErrors { code field message }
  }
}`;

let accountCounter = 0;

/** Signs up an account with a unique e-mail address made from `name`. */
export async function signUp(graph: TestGraph, name: string): Promise<TestAccount> {
  accountCounter += 1;
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${accountCounter}@example.com`;
  const data = dataOf(await gql(graph, signUpMutation, { input: { name, email, password: defaultPassword } }));
  expect(data.signUp.userErrors).toEqual([]);
  const token: string = data.signUp.accessToken;
  return { id: data.signUp.account.id, name, email, password: defaultPassword, token, sessionId: String(jwtClaims(token).sid), workspaceId: data.signUp.currentWorkspace.id };
}

/** Opens another session and returns its token and the workspace it starts in. */
export async function logIn(graph: TestGraph, email: string, secret: string): Promise<{ token: string; workspaceId: string | null }> {
  const data = dataOf(await gql(graph, logInMutation, { input: { email, password: secret } }));
  expect(data.logIn.userErrors).toEqual([]);
  return { token: data.logIn.accessToken, workspaceId: data.logIn.currentWorkspace?.id ?? null };
}

/** Creates a workspace for the token's account and returns its ID. */
export async function createWorkspace(graph: TestGraph, token: string, name: string): Promise<string> {
  const data = dataOf(
    await gql(graph, `mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } userErrors { code field message } } }`, { input: { name } }, token),
  );
  expect(data.createWorkspace.userErrors).toEqual([]);
  return data.createWorkspace.workspace.id;
}

/** Adds an account to a workspace, as an admin of that workspace. */
export async function addWorkspaceMember(graph: TestGraph, adminToken: string, workspaceId: string, email: string, role: 'ADMIN' | 'MEMBER'): Promise<void> {
  const data = dataOf(
    await gql(
      graph,
      `mutation($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } userErrors { code field message } } }`,
      { input: { workspaceId, email, role } },
      adminToken,
    ),
  );
  expect(data.addWorkspaceMember.userErrors).toEqual([]);
}

/** Makes `workspaceId` the current workspace of the token's session. */
export async function switchWorkspace(graph: TestGraph, token: string, workspaceId: string): Promise<void> {
  const data = dataOf(
    await gql(
      graph,
      `mutation($input: SwitchWorkspaceInput!) { switchWorkspace(input: $input) { viewer { currentWorkspace { id } } userErrors { code field message } } }`,
      { input: { workspaceId } },
      token,
    ),
  );
  expect(data.switchWorkspace.userErrors).toEqual([]);
  expect(data.switchWorkspace.viewer.currentWorkspace.id).toBe(workspaceId);
}

/** Creates a project in the current workspace of the token's session and returns its ID. */
export async function createProject(graph: TestGraph, token: string, name: string): Promise<string> {
  const data = dataOf(
    await gql(graph, `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } userErrors { code field message } } }`, { input: { name } }, token),
  );
  expect(data.createProject.userErrors).toEqual([]);
  return data.createProject.project.id;
}

/** Adds an account to a project. */
export async function addProjectMember(graph: TestGraph, token: string, projectId: string, accountId: string): Promise<void> {
  const data = dataOf(
    await gql(
      graph,
      `mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { project { id } userErrors { code field message } } }`,
      { input: { projectId, accountId } },
      token,
    ),
  );
  expect(data.addProjectMember.userErrors).toEqual([]);
}

/** Creates a task and returns its ID. */
export async function createTask(graph: TestGraph, token: string, projectId: string, title: string): Promise<string> {
  const data = dataOf(
    await gql(graph, `mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } userErrors { code field message } } }`, { input: { projectId, title } }, token),
  );
  expect(data.createTask.userErrors).toEqual([]);
  return data.createTask.task.id;
}

/** Assigns an account to a task. */
export async function assignTask(graph: TestGraph, token: string, taskId: string, accountId: string): Promise<void> {
  const data = dataOf(
    await gql(graph, `mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id } userErrors { code field message } } }`, { input: { taskId, accountId } }, token),
  );
  expect(data.assignTask.userErrors).toEqual([]);
}

/** Counts the rows of a table straight from the database, to prove that a rejected call wrote nothing. */
export async function countRows(graph: TestGraph, table: 'identity.accounts' | 'identity.workspaces' | 'identity.workspace_members' | 'identity.sessions'): Promise<number> {
  const result = await graph.database.db.execute(sql.raw(`select count(*)::int as total from ${table}`));
  return Number(rowsOf<{ total: number }>(result)[0]!.total);
}

/** Builds the viewer that the gateway asserts for the session that signUp opened. */
export function viewerOf(account: TestAccount): Viewer {
  return { accountId: account.id, sessionId: account.sessionId, workspaceId: account.workspaceId };
}

/** Builds a GraphQL request body that asks a subgraph for entities, as the gateway sends it. */
export function entitiesBody(representations: Record<string, unknown>[], selection: string): string {
  return JSON.stringify({
    query: `query($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`,
    variables: { representations },
  });
}

/**
 * Signs `body` the way the gateway does. `keyOf` picks the subgraph whose secret signs and
 * `audience` the subgraph that the signature names. Both default to `subgraph`.
 */
export async function signFor(
  graph: TestGraph,
  subgraph: SubgraphName,
  body: string,
  viewer: Viewer | null,
  options: { keyOf?: SubgraphName; audience?: SubgraphName } = {},
): Promise<string> {
  const secret = graph.subgraphs[options.keyOf ?? subgraph].secret;
  return signGatewayAssertion(secretKey(secret, 'TEST_SUBGRAPH_SECRET'), options.audience ?? subgraph, body, { viewer, requestId: 'test' });
}

/** Posts a body straight to a subgraph, with `signature` in the gateway's header when given. */
export function postToSubgraph(graph: TestGraph, subgraph: SubgraphName, body: string, signature?: string): Promise<RawResponse> {
  return send(graph.subgraphs[subgraph].url, {
    headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { [GATEWAY_SIGNATURE_HEADER]: signature }) },
    body,
  });
}

/** Posts a body to a subgraph with a valid signature for `viewer`. */
export async function postSignedToSubgraph(graph: TestGraph, subgraph: SubgraphName, body: string, viewer: Viewer | null): Promise<RawResponse> {
  return postToSubgraph(graph, subgraph, body, await signFor(graph, subgraph, body, viewer));
}
