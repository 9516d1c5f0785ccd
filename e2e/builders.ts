import { expect } from 'vitest';
import type { GraphQLResponse, TestGraph } from './harness.js';

/** A signed-up account with the access token of its session and its first workspace. */
export interface TestAccount {
  id: string;
  name: string;
  email: string;
  token: string;
  /** The workspace that signUp created, of which the account is admin. */
  ownWorkspaceId: string;
}

/** Asserts that a response carries no GraphQL errors and returns its data. */
export function dataOf<TData = any>(response: GraphQLResponse<TData>): TData {
  expect(response.errors).toBeUndefined();
  expect(response.data).toBeDefined();
  return response.data as TData;
}

/** Asserts that a response failed with exactly one GraphQL error of `code`, and returns that error. */
export function singleErrorOf(response: GraphQLResponse, code: string) {
  expect(response.errors, `response: ${JSON.stringify({ errors: response.errors, data: response.data })}`).toHaveLength(1);
  const [error] = response.errors!;
  expect(error!.extensions?.code).toBe(code);
  return error!;
}

/** Asserts that a mutation payload contains exactly one user error of `code` on `field`, and no result under `resultKey`. */
export function expectUserError(payload: any, resultKey: string, code: string, field: string[] | null) {
  expect(payload[resultKey]).toBeNull();
  expect(payload.userErrors).toHaveLength(1);
  expect(payload.userErrors[0]).toMatchObject({ code, field });
  expect(payload.userErrors[0].message).toEqual(expect.any(String));
}

let accountCounter = 0;

/** Signs up a new account with a unique e-mail address derived from `name`. */
export async function signUp(graph: TestGraph, name: string): Promise<TestAccount> {
  accountCounter += 1;
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${accountCounter}@example.com`;
  const data = dataOf(
    await graph.request(
      `mutation($input: SignUpInput!) {
        signUp(input: $input) { accessToken account { id } currentWorkspace { id } userErrors { code field message } }
      }`,
      { input: { name, email, password: 'long enough password' } },
    ),
  );
  expect(data.signUp.userErrors).toEqual([]);
  return { id: data.signUp.account.id, name, email, token: data.signUp.accessToken, ownWorkspaceId: data.signUp.currentWorkspace.id };
}

/** Adds `account` to a workspace with addWorkspaceMember, called by an admin of that workspace. */
export async function addWorkspaceMember(graph: TestGraph, adminToken: string, workspaceId: string, account: TestAccount, role: 'ADMIN' | 'MEMBER') {
  const data = dataOf(
    await graph.request(
      `mutation($input: AddWorkspaceMemberInput!) {
        addWorkspaceMember(input: $input) { member { role } userErrors { code field message } }
      }`,
      { input: { workspaceId, email: account.email, role } },
      adminToken,
    ),
  );
  expect(data.addWorkspaceMember.userErrors).toEqual([]);
  expect(data.addWorkspaceMember.member.role).toBe(role);
}

/** Makes `workspaceId` the current workspace of the account's session. */
export async function switchWorkspace(graph: TestGraph, account: TestAccount, workspaceId: string) {
  const data = dataOf(
    await graph.request(
      `mutation($input: SwitchWorkspaceInput!) {
        switchWorkspace(input: $input) { viewer { currentWorkspace { id } } userErrors { code field message } }
      }`,
      { input: { workspaceId } },
      account.token,
    ),
  );
  expect(data.switchWorkspace.userErrors).toEqual([]);
  expect(data.switchWorkspace.viewer.currentWorkspace.id).toBe(workspaceId);
}

/**
 * Signs up an account, adds it to `workspaceId` with `role` and makes that workspace its
 * current one, so that `projects` lists that workspace's projects for it.
 */
export async function joinWorkspace(graph: TestGraph, admin: TestAccount, workspaceId: string, name: string, role: 'ADMIN' | 'MEMBER'): Promise<TestAccount> {
  const account = await signUp(graph, name);
  await addWorkspaceMember(graph, admin.token, workspaceId, account, role);
  await switchWorkspace(graph, account, workspaceId);
  return account;
}

/** Creates a project in the current workspace of the token's session and returns its ID. */
export async function createProject(graph: TestGraph, token: string, name: string): Promise<string> {
  const data = dataOf(
    await graph.request(
      `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } userErrors { code field message } } }`,
      { input: { name } },
      token,
    ),
  );
  expect(data.createProject.userErrors).toEqual([]);
  return data.createProject.project.id;
}

/** Adds an account to a project. */
export async function addProjectMember(graph: TestGraph, token: string, projectId: string, accountId: string) {
  const data = dataOf(
    await graph.request(
      `mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { project { id } userErrors { code field message } } }`,
      { input: { projectId, accountId } },
      token,
    ),
  );
  expect(data.addProjectMember.userErrors).toEqual([]);
}

/** Archives a project. */
export async function archiveProject(graph: TestGraph, token: string, projectId: string) {
  const data = dataOf(
    await graph.request(
      `mutation($input: ProjectIdInput!) { archiveProject(input: $input) { project { archivedAt } userErrors { code field message } } }`,
      { input: { projectId } },
      token,
    ),
  );
  expect(data.archiveProject.userErrors).toEqual([]);
  expect(data.archiveProject.project.archivedAt).not.toBeNull();
}

/** Creates a task from `input` (projectId and title at least) and returns its ID. */
export async function createTask(graph: TestGraph, token: string, input: Record<string, unknown>): Promise<string> {
  const data = dataOf(
    await graph.request(
      `mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } userErrors { code field message } } }`,
      { input },
      token,
    ),
  );
  expect(data.createTask.userErrors).toEqual([]);
  return data.createTask.task.id;
}

/** Creates `count` tasks titled `${prefix} 1` to `${prefix} ${count}`, one after another, and returns their IDs in creation order. */
export async function createTasks(graph: TestGraph, token: string, projectId: string, count: number, prefix = 'Task'): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 1; index <= count; index += 1) {
    ids.push(await createTask(graph, token, { projectId, title: `${prefix} ${index}` }));
  }
  return ids;
}

/** Assigns an account to a task. */
export async function assignTask(graph: TestGraph, token: string, taskId: string, accountId: string) {
  const data = dataOf(
    await graph.request(
      `mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id } userErrors { code field message } } }`,
      { input: { taskId, accountId } },
      token,
    ),
  );
  expect(data.assignTask.userErrors).toEqual([]);
}

/** Runs one request and returns it together with the number of SQL statements sent while it ran. */
export async function countStatements<TData = any>(graph: TestGraph, query: string, variables: Record<string, unknown>, token: string) {
  const before = graph.database.stats.statements;
  const response = await graph.request<TData>(query, variables, token);
  return { response, statements: graph.database.stats.statements - before };
}
