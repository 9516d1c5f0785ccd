import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rowsOf } from '../db/client.js';
import { addProjectMember, createProject, createTask, dataOf, joinWorkspace, signUp, singleErrorOf, type TestAccount } from './builders.js';
import { postGraphQL, startTestGraph, type TestGraph } from './harness.js';
import { accept, invite, roles } from './sharing-builders.js';

let graph: TestGraph;
/** Admin of the agency workspace, who manages its tokens. */
let admin: TestAccount;
/** A member of the agency who is not an admin. */
let member: TestAccount;
/** An external collaborator of the agency's project. */
let client: TestAccount;
let projectId: string;
/** A project of another workspace, which no agency token may see. */
let otherProjectId: string;

const createMutation = `mutation($input: CreateIntegrationTokenInput!) {
  createIntegrationToken(input: $input) {
    secret
    integrationToken { id name scopes secretPrefix createdAt lastUsedAt revokedAt account { id name isIntegration } createdBy { id } }
    userErrors { code field message }
  }
}`;
const revokeMutation = `mutation($input: RevokeIntegrationTokenInput!) {
  revokeIntegrationToken(input: $input) { integrationToken { id revokedAt } userErrors { code field message } }
}`;
const tokensQuery = `query { viewer { currentWorkspace { integrationTokens { id name scopes secretPrefix lastUsedAt revokedAt } } } }`;

async function createToken(account: TestAccount, name: string, scopes: string[]) {
  return dataOf(await graph.request(createMutation, { input: { workspaceId: admin.ownWorkspaceId, name, scopes } }, account.token)).createIntegrationToken;
}

beforeAll(async () => {
  // As in production: anonymous callers may not introspect.
  graph = await startTestGraph({ anonymousIntrospection: false });
  admin = await signUp(graph, 'Ada Agency');
  member = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Max Member', 'MEMBER');
  projectId = await createProject(graph, admin.token, 'Relaunch');
  await addProjectMember(graph, admin.token, projectId, member.id);
  client = await signUp(graph, 'Cleo Client');
  await accept(graph, client, (await invite(graph, admin.token, projectId, client.email, roles.externalCollaborator)).token);
  await createTask(graph, admin.token, { projectId, title: 'Concept' });
  otherProjectId = await createProject(graph, client.token, 'Client internal');
});
afterAll(() => graph?.close());

describe('integration tokens', () => {
  test('create shows the secret once', async () => {
    const created = await createToken(admin, 'Reporting sync', ['READ']);
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^tdm_[A-Za-z0-9_-]{43}$/);
    expect(created.integrationToken).toMatchObject({
      name: 'Reporting sync',
      scopes: ['READ'],
      secretPrefix: created.secret.slice(0, 10),
      lastUsedAt: null,
      revokedAt: null,
      account: { name: 'Reporting sync (integration)', isIntegration: true },
      createdBy: { id: admin.id },
    });
    // Only a hash is stored, and the list shows no secret.
    const stored = rowsOf<{ token_hash: string }>(await graph.database.db.execute(sql`select token_hash from identity.integration_tokens where id = ${created.integrationToken.id}`));
    expect(stored[0]!.token_hash).not.toContain(created.secret.slice(4));
    const listed = dataOf(await graph.request(tokensQuery, {}, admin.token)).viewer.currentWorkspace.integrationTokens;
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  test('token sees what workspace admins see', async () => {
    const { secret } = await createToken(admin, 'Dashboard', ['READ']);
    const data = dataOf(
      await graph.request(
        `query($id: ID!, $other: ID!) {
          viewer { account { isIntegration } currentWorkspace { id projects { id } } }
          project(id: $id) { members { account { id } isExternal } tasks { totalCount } }
          other: project(id: $other) { id }
        }`,
        { id: projectId, other: otherProjectId },
        secret,
      ),
    );
    expect(data.viewer).toEqual({ account: { isIntegration: true }, currentWorkspace: { id: admin.ownWorkspaceId, projects: [{ id: projectId }] } });
    expect(data.project.members).toContainEqual({ account: { id: client.id }, isExternal: true });
    expect(data.project.tasks.totalCount).toBe(1);
    expect(data.other).toBeNull();
  });

  test('tokens may introspect, unlike anonymous callers', async () => {
    const { secret } = await createToken(admin, 'Schema reader', ['READ']);
    const introspection = '{ __schema { queryType { name } } }';
    expect((await graph.request(introspection, {}, secret)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    singleErrorOf(await graph.request(introspection, {}), 'UNAUTHENTICATED');
  });

  test('read scope refuses mutations', async () => {
    const { secret } = await createToken(admin, 'Read only', ['READ']);
    const before = graph.database.stats.statements;
    const error = singleErrorOf(await graph.request(`mutation { createTask(input: { projectId: "${projectId}", title: "Nope" }) { task { id } } }`, {}, secret), 'FORBIDDEN');
    expect(error.message).toMatch(/READ scope only/);
    // Refused in the gateway: only the token's own look-up reached the database.
    expect(graph.database.stats.statements - before).toBeLessThanOrEqual(2);
  });

  test('write scope runs mutations, not person-only ones', async () => {
    const { secret } = await createToken(admin, 'Importer', ['READ', 'WRITE']);
    const created = dataOf(await graph.request(`mutation { createTask(input: { projectId: "${projectId}", title: "Imported" }) { task { id createdBy { isIntegration } } userErrors { code } } }`, {}, secret));
    expect(created.createTask).toMatchObject({ userErrors: [], task: { createdBy: { isIntegration: true } } });

    for (const mutation of [
      'mutation { logOut { loggedOut } }',
      `mutation { switchWorkspace(input: { workspaceId: "${admin.ownWorkspaceId}" }) { userErrors { code } } }`,
      `mutation { createIntegrationToken(input: { workspaceId: "${admin.ownWorkspaceId}", name: "Child", scopes: [READ] }) { secret } }`,
      `mutation M { ...Sneaky } fragment Sneaky on Mutation { logOut { loggedOut } }`,
    ]) {
      singleErrorOf(await graph.request(mutation, {}, secret), 'FORBIDDEN');
    }
    singleErrorOf(await graph.request(tokensQuery, {}, secret), 'FORBIDDEN');
    const viewAs = await postGraphQL(graph.url, { query: `{ project(id: "${projectId}") { id } }` }, secret, { 'tandem-view-as': `${projectId}:${client.id}` });
    expect(viewAs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('every use updates the last-used time', async () => {
    const created = await createToken(admin, 'Poller', ['READ']);
    await graph.request('{ viewer { account { id } } }', {}, created.secret);
    let lastUsedAt: string | null = null;
    for (let attempt = 0; attempt < 40 && !lastUsedAt; attempt += 1) {
      const listed = dataOf(await graph.request(tokensQuery, {}, admin.token)).viewer.currentWorkspace.integrationTokens;
      lastUsedAt = listed.find((token: { id: string }) => token.id === created.integrationToken.id).lastUsedAt;
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastUsedAt).not.toBeNull();
  });

  test('revoke ends the token at once', async () => {
    const created = await createToken(admin, 'Doomed', ['READ', 'WRITE']);
    expect((await graph.request('{ viewer { account { id } } }', {}, created.secret)).errors).toBeUndefined();
    const revoked = dataOf(await graph.request(revokeMutation, { input: { integrationTokenId: created.integrationToken.id } }, admin.token)).revokeIntegrationToken;
    expect(revoked.userErrors).toEqual([]);
    expect(revoked.integrationToken.revokedAt).not.toBeNull();
    const rejected = await graph.request('{ viewer { account { id } } }', {}, created.secret);
    expect(rejected.status).toBe(401);
    expect(rejected.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const log = dataOf(
      await graph.request(`query { viewer { currentWorkspace { auditLog(filter: { actions: [INTEGRATION_TOKEN_CREATED, INTEGRATION_TOKEN_REVOKED] }) { nodes { action targetAccount { id } } } } } }`, {}, admin.token),
    );
    const actions = log.viewer.currentWorkspace.auditLog.nodes.filter((node: { targetAccount: { id: string } | null }) => node.targetAccount?.id === created.integrationToken.account.id);
    expect(actions.map((node: { action: string }) => node.action)).toEqual(['INTEGRATION_TOKEN_REVOKED', 'INTEGRATION_TOKEN_CREATED']);
  });

  test('only person admins manage tokens', async () => {
    const input = { workspaceId: admin.ownWorkspaceId, name: 'Nope', scopes: ['READ'] };
    for (const [token, code] of [
      [member.token, 'FORBIDDEN'],
      [client.token, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      singleErrorOf(await graph.request(createMutation, { input }, token), code);
    }
    singleErrorOf(await graph.request(tokensQuery, {}, member.token), 'FORBIDDEN');

    const { integrationToken } = await createToken(admin, 'Kept', ['READ']);
    const foreign = dataOf(await graph.request(revokeMutation, { input: { integrationTokenId: integrationToken.id } }, client.token)).revokeIntegrationToken;
    expect(foreign.userErrors).toEqual([expect.objectContaining({ code: 'INTEGRATION_TOKEN_NOT_FOUND', field: ['input', 'integrationTokenId'] })]);
  });

  test('bad input names the fix', async () => {
    const blank = await createToken(admin, '   ', ['READ']);
    expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'name'] })]);
    const none = await createToken(admin, 'No scopes', []);
    expect(none.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'scopes'] })]);
    const unknown = await graph.request('{ viewer { account { id } } }', {}, `tdm_${'A'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.errors?.[0]?.message).toMatch(/unknown or revoked/);
  });

  test('integration accounts stay out of member lists and sign-in', async () => {
    const members = dataOf(await graph.request('{ viewer { currentWorkspace { members { account { isIntegration } } } } }', {}, admin.token)).viewer.currentWorkspace.members;
    expect(members.every((entry: { account: { isIntegration: boolean } }) => !entry.account.isIntegration)).toBe(true);
    const [bot] = rowsOf<{ email: string }>(await graph.database.db.execute(sql`select email from identity.accounts where kind = 'integration' limit 1`));
    const logIn = dataOf(await graph.request(`mutation($input: LogInInput!) { logIn(input: $input) { userErrors { code } } }`, { input: { email: bot!.email, password: '' } }));
    expect(logIn.logIn.userErrors[0].code).toMatch(/INVALID_CREDENTIALS|INVALID_INPUT/);
  });
});
