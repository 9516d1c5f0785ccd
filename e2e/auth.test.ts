import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { issueAccessToken } from '../subgraphs/common/access-token.js';
import {
  addWorkspaceMember,
  countRows,
  createProject,
  createWorkspace,
  dataOf,
  defaultPassword,
  entitiesBody,
  errorCodes,
  expectForbidden,
  expectRejected401,
  expectUserError,
  gql,
  jwtClaims,
  logIn,
  logInMutation,
  postSignedToSubgraph,
  postWithAuthorization,
  signUp,
  signUpMutation,
  switchWorkspace,
  viewerOf,
} from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(() => graph?.close());

const viewerQuery = `{
  viewer {
    account { id name email }
    currentWorkspace { id name viewerRole }
    workspaces { id name viewerRole }
  }
}`;

const workspaceFields = 'id name logoUrl viewerRole';

/** Reads the workspace `id` as the token's account sees it through viewer.workspaces. */
async function readWorkspace(token: string, id: string) {
  const data = dataOf(await gql(graph, `{ viewer { workspaces { ${workspaceFields} } } }`, {}, token));
  return data.viewer.workspaces.find((workspace: { id: string }) => workspace.id === id);
}

/** Sends signUp with the given input and returns its payload. */
async function trySignUp(input: Record<string, unknown>) {
  return dataOf(await gql(graph, signUpMutation, { input })).signUp;
}

/** Sends logIn and returns its payload. */
async function tryLogIn(email: string, secret: string) {
  return dataOf(await gql(graph, logInMutation, { input: { email, password: secret } })).logIn;
}

/** Counts the rows of each table that signUp writes, to prove that a rejected signUp wrote nothing. */
async function identityCounts() {
  return {
    accounts: await countRows(graph, 'identity.accounts'),
    workspaces: await countRows(graph, 'identity.workspaces'),
    memberships: await countRows(graph, 'identity.workspace_members'),
    sessions: await countRows(graph, 'identity.sessions'),
  };
}

// signUp

test('signUp returns a working token', async () => {
  const payload = await trySignUp({ name: '  Ada Lovelace ', email: ' Ada.Lovelace@Example.COM ', password: defaultPassword, workspaceName: 'Analytical Engines' });
  expect(payload.userErrors).toEqual([]);
  expect(payload.accessToken).toEqual(expect.any(String));
  expect(new Date(payload.expiresAt).getTime()).toBeGreaterThan(Date.now());
  expect(payload.account).toEqual({ id: expect.any(String), name: 'Ada Lovelace', email: 'ada.lovelace@example.com' });
  expect(payload.currentWorkspace).toEqual({ id: expect.any(String), name: 'Analytical Engines', viewerRole: 'ADMIN' });
  const claims = jwtClaims(payload.accessToken);
  expect(claims.sub).toBe(payload.account.id);
  expect(claims.exp).toBe(Math.floor(Date.parse(payload.expiresAt) / 1000));

  const { viewer } = dataOf(await gql(graph, viewerQuery, {}, payload.accessToken));
  expect(viewer.account).toEqual(payload.account);
  expect(viewer.currentWorkspace).toEqual(payload.currentWorkspace);
  expect(viewer.workspaces).toEqual([payload.currentWorkspace]);
});

test('signUp names the default workspace', async () => {
  const payload = await trySignUp({ name: 'Grace', email: 'grace.default@example.com', password: defaultPassword });
  expect(payload.userErrors).toEqual([]);
  expect(payload.currentWorkspace.name).toBe("Grace's workspace");
});

test('viewer without a token', async () => {
  expect(dataOf(await gql(graph, viewerQuery)).viewer).toBeNull();
});

test('signUp with invalid e-mail', async () => {
  const before = await identityCounts();
  for (const email of ['not-an-email', 'two@@example.com', 'spaces in@example.com', '']) {
    const payload = await trySignUp({ name: 'Ivy', email, password: defaultPassword });
    expectUserError(payload, 'accessToken', 'INVALID_INPUT', ['input', 'email']);
    expect(payload.account).toBeNull();
    expect(payload.currentWorkspace).toBeNull();
  }
  expect(await identityCounts()).toEqual(before);
  expectUserError(await tryLogIn('not-an-email', defaultPassword), 'accessToken', 'INVALID_INPUT', ['input', 'email']);
});

test('signUp with short password', async () => {
  const before = await identityCounts();
  const payload = await trySignUp({ name: 'Sid', email: 'sid.short@example.com', password: '123456789' });
  expectUserError(payload, 'accessToken', 'INVALID_INPUT', ['input', 'password']);
  expect(await identityCounts()).toEqual(before);
  expectUserError(await tryLogIn('sid.short@example.com', '123456789'), 'accessToken', 'INVALID_CREDENTIALS', null);
});

test('signUp with blank name', async () => {
  const before = await identityCounts();
  const payload = await trySignUp({ name: '   ', email: 'blank.name@example.com', password: defaultPassword });
  expectUserError(payload, 'accessToken', 'INVALID_INPUT', ['input', 'name']);
  expect(await identityCounts()).toEqual(before);
  expectUserError(await tryLogIn('blank.name@example.com', defaultPassword), 'accessToken', 'INVALID_CREDENTIALS', null);
});

test('signUp with taken e-mail', async () => {
  const first = await trySignUp({ name: 'Ada', email: 'ada@x.com', password: 'first password here' });
  expect(first.userErrors).toEqual([]);

  const before = await identityCounts();
  const second = await trySignUp({ name: 'Other Ada', email: 'ADA@x.com', password: 'second password here', workspaceName: 'Impostors' });
  expectUserError(second, 'accessToken', 'EMAIL_TAKEN', ['input', 'email']);
  expect(await identityCounts()).toEqual(before);

  expectUserError(await tryLogIn('ADA@x.com', 'second password here'), 'accessToken', 'INVALID_CREDENTIALS', null);
  const original = await tryLogIn('ada@x.com', 'first password here');
  expect(original.userErrors).toEqual([]);
  expect(original.account).toMatchObject({ id: first.account.id, name: 'Ada' });
  const { viewer } = dataOf(await gql(graph, viewerQuery, {}, original.accessToken));
  expect(viewer.workspaces.map((workspace: { name: string }) => workspace.name)).not.toContain('Impostors');
});

test('signUp with long password', async () => {
  const before = await identityCounts();
  const payload = await trySignUp({ name: 'Lon', email: 'lon.long@example.com', password: 'x'.repeat(201) });
  expectUserError(payload, 'accessToken', 'INVALID_INPUT', ['input', 'password']);
  expect(await identityCounts()).toEqual(before);
});

// PostgreSQL cannot store a NUL character in text. Such input is the caller's to fix, so it
// should come back as a user error rather than as INTERNAL_SERVER_ERROR.

test('signUp with a NUL character', async () => {
  const before = await identityCounts();
  const cases = [
    { field: 'name', input: { name: 'Nul\u0000Name', email: 'nul.name@example.com', password: defaultPassword } },
    { field: 'email', input: { name: 'Nul Email', email: 'nul\u0000email@example.com', password: defaultPassword } },
  ];
  for (const { field, input } of cases) {
    expectUserError(dataOf(await gql(graph, signUpMutation, { input })).signUp, 'accessToken', 'INVALID_INPUT', ['input', field]);
  }
  expect(await identityCounts()).toEqual(before);
});

test('logIn with a NUL character', async () => {
  const payload = dataOf(await gql(graph, logInMutation, { input: { email: 'nul\u0000@example.com', password: defaultPassword } })).logIn;
  expect(payload.accessToken).toBeNull();
  expect(payload.userErrors).toHaveLength(1);
  expect(['INVALID_INPUT', 'INVALID_CREDENTIALS']).toContain(payload.userErrors[0].code);
});

// logIn

test('signUp race for one e-mail', async () => {
  const before = await identityCounts();
  const input = (name: string) => ({ name, email: 'race@example.com', password: defaultPassword });
  const payloads = await Promise.all(['Racer One', 'Racer Two', 'Racer Three'].map((name) => trySignUp(input(name))));
  const winners = payloads.filter((payload) => payload.userErrors.length === 0);
  expect(winners).toHaveLength(1);
  for (const payload of payloads.filter((candidate) => candidate.userErrors.length > 0)) {
    expectUserError(payload, 'accessToken', 'EMAIL_TAKEN', ['input', 'email']);
  }
  // One account, one workspace, one membership and one session: the losers left nothing behind.
  const after = await identityCounts();
  expect(after).toEqual({ accounts: before.accounts + 1, workspaces: before.workspaces + 1, memberships: before.memberships + 1, sessions: before.sessions + 1 });
});

test('logIn ok', async () => {
  const account = await signUp(graph, 'Lena');
  const payload = await tryLogIn(account.email.toUpperCase(), account.password);
  expect(payload.userErrors).toEqual([]);
  expect(payload.account).toEqual({ id: account.id, name: 'Lena', email: account.email });
  expect(payload.currentWorkspace.id).toBe(account.workspaceId);
  expect(payload.accessToken).not.toBe(account.token);
  expect(jwtClaims(payload.accessToken).sid).not.toBe(account.sessionId);

  const { viewer } = dataOf(await gql(graph, viewerQuery, {}, payload.accessToken));
  expect(viewer.account.id).toBe(account.id);
});

test('logIn with wrong password', async () => {
  const account = await signUp(graph, 'Walt');
  const wrongPassword = expectUserError(await tryLogIn(account.email, 'not the password'), 'accessToken', 'INVALID_CREDENTIALS', null);
  const unknownEmail = expectUserError(await tryLogIn('nobody.here@example.com', account.password), 'accessToken', 'INVALID_CREDENTIALS', null);
  // Same message either way, so that logIn does not reveal which e-mail addresses have accounts.
  expect(unknownEmail).toBe(wrongPassword);
});

test('logIn throttled after 10 failures', async () => {
  const account = await signUp(graph, 'Thea');
  const bystander = await signUp(graph, 'Theo');
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    expectUserError(await tryLogIn(account.email, `wrong guess ${attempt}`), 'accessToken', 'INVALID_CREDENTIALS', null);
  }
  // The right password does not get through while the limit holds, in any letter case.
  expectUserError(await tryLogIn(account.email.toUpperCase(), account.password), 'accessToken', 'TOO_MANY_ATTEMPTS', ['input', 'email']);
  expect((await tryLogIn(bystander.email, bystander.password)).accessToken).toEqual(expect.any(String));
});

test('logIn success clears failed attempts', async () => {
  const account = await signUp(graph, 'Tess');
  for (let attempt = 1; attempt <= 9; attempt += 1) await tryLogIn(account.email, `wrong guess ${attempt}`);
  expect((await tryLogIn(account.email, account.password)).accessToken).toEqual(expect.any(String));
  for (let attempt = 1; attempt <= 9; attempt += 1) await tryLogIn(account.email, `wrong again ${attempt}`);
  expect((await tryLogIn(account.email, account.password)).accessToken).toEqual(expect.any(String));
});

// Access tokens

test('expired token', async () => {
  const account = await signUp(graph, 'Ezra');
  const expired = await issueAccessToken(graph.tokenKey, { accountId: account.id, sessionId: account.sessionId }, new Date(Date.now() - 60_000));
  expectRejected401(await gql(graph, viewerQuery, {}, expired));
  // The session itself is still open: a fresh token for it works.
  const fresh = await issueAccessToken(graph.tokenKey, { accountId: account.id, sessionId: account.sessionId }, new Date(Date.now() + 60_000));
  expect(dataOf(await gql(graph, viewerQuery, {}, fresh)).viewer.account.id).toBe(account.id);
});

test('tampered token signature', async () => {
  const account = await signUp(graph, 'Tara');
  const [header, payload, signature] = account.token.split('.') as [string, string, string];
  // Change a character in the middle: the last one of a base64url signature carries padding bits.
  const index = Math.floor(signature.length / 2);
  const flipped = signature[index] === 'A' ? 'B' : 'A';
  const tampered = `${header}.${payload}.${signature.slice(0, index)}${flipped}${signature.slice(index + 1)}`;
  expectRejected401(await gql(graph, viewerQuery, {}, tampered));
  expect(dataOf(await gql(graph, viewerQuery, {}, account.token)).viewer.account.id).toBe(account.id);
});

test('tampered token payload', async () => {
  const account = await signUp(graph, 'Pia');
  const other = await signUp(graph, 'Otto');
  const [header, , signature] = account.token.split('.') as [string, string, string];
  const claims = jwtClaims(account.token);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  for (const changed of [{ ...claims, sub: other.id }, { ...claims, sid: other.sessionId, sub: other.id }, { ...claims, exp: Number(claims.exp) + 86_400 }]) {
    expectRejected401(await gql(graph, viewerQuery, {}, `${header}.${encode(changed)}.${signature}`));
  }
});

test('alg none token', async () => {
  const account = await signUp(graph, 'Nora');
  const [, payload] = account.token.split('.') as [string, string];
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  expectRejected401(await gql(graph, viewerQuery, {}, `${header}.${payload}.`));
});

test('token signed with another key', async () => {
  const account = await signUp(graph, 'Kai');
  const forged = await issueAccessToken(randomBytes(32), { accountId: account.id, sessionId: account.sessionId }, new Date(Date.now() + 60_000));
  expectRejected401(await gql(graph, viewerQuery, {}, forged));
});

test('token for another account', async () => {
  // Correctly signed, but its session belongs to someone else.
  const account = await signUp(graph, 'Abe');
  const victim = await signUp(graph, 'Vic');
  const mixed = await issueAccessToken(graph.tokenKey, { accountId: victim.id, sessionId: account.sessionId }, new Date(Date.now() + 60_000));
  expectRejected401(await gql(graph, viewerQuery, {}, mixed));
  const unknownSession = await issueAccessToken(graph.tokenKey, { accountId: account.id, sessionId: randomUUID() }, new Date(Date.now() + 60_000));
  expectRejected401(await gql(graph, viewerQuery, {}, unknownSession));
});

test('token claims checked', async () => {
  const account = await signUp(graph, 'Cleo');
  const now = Math.floor(Date.now() / 1000);
  const build = (claims: Record<string, unknown>, alg = 'HS256') => new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(graph.tokenKey);
  const valid = { iss: 'tandem', aud: 'tandem-graph', sub: account.id, sid: account.sessionId, iat: now, exp: now + 60 };
  // Built by hand with every claim right, the token works, so each change below is what fails.
  expect(dataOf(await gql(graph, viewerQuery, {}, await build(valid))).viewer.account.id).toBe(account.id);

  const { exp: _exp, ...noExpiry } = valid;
  const { sid: _sid, ...noSession } = valid;
  const { sub: _sub, ...noSubject } = valid;
  const variants = [
    await build({ ...valid, iss: 'someone-else' }),
    await build({ ...valid, aud: 'another-audience' }),
    await build(noExpiry),
    await build(noSession),
    await build(noSubject),
    await build({ ...valid, nbf: now + 600 }),
    await build(valid, 'HS512'),
  ];
  for (const token of variants) expectRejected401(await gql(graph, viewerQuery, {}, token));
});

test('malformed Authorization header', async () => {
  const account = await signUp(graph, 'Mal');
  const headers = ['Bearer', 'Bearer ', account.token, `Basic ${Buffer.from('user:pass').toString('base64')}`, `Bearer ${account.token} extra`, 'Bearer not-a-jwt', 'Bearer a.b.c', `Token ${account.token}`];
  for (const header of headers) {
    expectRejected401(await postWithAuthorization(graph, header, viewerQuery));
  }
});

test('mutation without a token', async () => {
  const response = await gql(graph, `mutation { createWorkspace(input: { name: "Anonymous" }) { workspace { id } } }`);
  expect(errorCodes(response), response.text).toEqual(['UNAUTHENTICATED']);
  expect(response.data).toBeNull();
});

// logOut

test('logOut', async () => {
  const account = await signUp(graph, 'Leo');
  const other = await logIn(graph, account.email, account.password);

  expect(dataOf(await gql(graph, `mutation { logOut { loggedOut } }`, {}, account.token)).logOut).toEqual({ loggedOut: true });
  expectRejected401(await gql(graph, viewerQuery, {}, account.token));
  expectRejected401(await gql(graph, `mutation { logOut { loggedOut } }`, {}, account.token));

  expect(dataOf(await gql(graph, viewerQuery, {}, other.token)).viewer.account.id).toBe(account.id);
});

test('logOut without a token', async () => {
  const response = await gql(graph, `mutation { logOut { loggedOut } }`);
  expect(errorCodes(response), response.text).toEqual(['UNAUTHENTICATED']);
});

// Workspaces

const switchMutation = `mutation($input: SwitchWorkspaceInput!) {
  switchWorkspace(input: $input) {
    viewer { currentWorkspace { id } }
    userErrors { code field message }
  }
}`;

const projectsQuery = `{ projects { id name } }`;

test('createWorkspace', async () => {
  const account = await signUp(graph, 'Wes');
  const data = dataOf(
    await gql(graph, `mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { ${workspaceFields} } userErrors { code field message } } }`, { input: { name: '  Second  ' } }, account.token),
  );
  expect(data.createWorkspace.userErrors).toEqual([]);
  expect(data.createWorkspace.workspace).toEqual({ id: expect.any(String), name: 'Second', logoUrl: null, viewerRole: 'ADMIN' });

  const { viewer } = dataOf(await gql(graph, viewerQuery, {}, account.token));
  expect(viewer.currentWorkspace.id).toBe(account.workspaceId);
  expect(viewer.workspaces.map((workspace: { id: string }) => workspace.id)).toEqual([account.workspaceId, data.createWorkspace.workspace.id]);
});

test('createWorkspace with blank name', async () => {
  const account = await signUp(graph, 'Bea');
  const data = dataOf(await gql(graph, `mutation { createWorkspace(input: { name: " " }) { workspace { id } userErrors { code field message } } }`, {}, account.token));
  expectUserError(data.createWorkspace, 'workspace', 'INVALID_INPUT', ['input', 'name']);
  expect(dataOf(await gql(graph, viewerQuery, {}, account.token)).viewer.workspaces).toHaveLength(1);
});

test('switchWorkspace', async () => {
  const account = await signUp(graph, 'Sue');
  const firstProject = await createProject(graph, account.token, 'In the first');
  const second = await createWorkspace(graph, account.token, 'Second');
  const otherSession = await logIn(graph, account.email, account.password);

  const switched = dataOf(await gql(graph, switchMutation, { input: { workspaceId: second } }, account.token)).switchWorkspace;
  expect(switched).toEqual({ viewer: { currentWorkspace: { id: second } }, userErrors: [] });
  expect(dataOf(await gql(graph, viewerQuery, {}, account.token)).viewer.currentWorkspace.id).toBe(second);

  // projects follows the current workspace.
  expect(dataOf(await gql(graph, projectsQuery, {}, account.token)).projects).toEqual([]);
  const secondProject = await createProject(graph, account.token, 'In the second');
  expect(dataOf(await gql(graph, projectsQuery, {}, account.token)).projects).toEqual([{ id: secondProject, name: 'In the second' }]);

  // Another session of the account keeps its own current workspace.
  expect(dataOf(await gql(graph, viewerQuery, {}, otherSession.token)).viewer.currentWorkspace.id).toBe(account.workspaceId);
  expect(dataOf(await gql(graph, projectsQuery, {}, otherSession.token)).projects).toEqual([{ id: firstProject, name: 'In the first' }]);

  await switchWorkspace(graph, account.token, account.workspaceId);
  expect(dataOf(await gql(graph, projectsQuery, {}, account.token)).projects).toEqual([{ id: firstProject, name: 'In the first' }]);
});

test('switchWorkspace to a foreign workspace', async () => {
  const account = await signUp(graph, 'Fay');
  const stranger = await signUp(graph, 'Finn');
  for (const workspaceId of [stranger.workspaceId, randomUUID()]) {
    const payload = dataOf(await gql(graph, switchMutation, { input: { workspaceId } }, account.token)).switchWorkspace;
    expectUserError(payload, 'viewer', 'WORKSPACE_NOT_FOUND', ['input', 'workspaceId']);
  }
  expect(dataOf(await gql(graph, viewerQuery, {}, account.token)).viewer.currentWorkspace.id).toBe(account.workspaceId);
  expect((await logIn(graph, account.email, account.password)).workspaceId).toBe(account.workspaceId);
});

test('switchWorkspace with a non-UUID', async () => {
  const account = await signUp(graph, 'Uma');
  const response = await gql(graph, switchMutation, { input: { workspaceId: 'not-a-uuid' } }, account.token);
  expect(errorCodes(response), response.text).toEqual(['BAD_USER_INPUT']);
  expect(response.data).toBeNull();
  expect(dataOf(await gql(graph, viewerQuery, {}, account.token)).viewer.currentWorkspace.id).toBe(account.workspaceId);
});

test('switchWorkspace without a token', async () => {
  const account = await signUp(graph, 'Ned');
  const response = await gql(graph, switchMutation, { input: { workspaceId: account.workspaceId } });
  expect(errorCodes(response), response.text).toEqual(['UNAUTHENTICATED']);
});

test('logIn lands in the last workspace', async () => {
  const account = await signUp(graph, 'Lou');
  const second = await createWorkspace(graph, account.token, 'Later');
  expect((await logIn(graph, account.email, account.password)).workspaceId).toBe(account.workspaceId);
  await switchWorkspace(graph, account.token, second);
  const next = await logIn(graph, account.email, account.password);
  expect(next.workspaceId).toBe(second);
  expect(dataOf(await gql(graph, viewerQuery, {}, next.token)).viewer.currentWorkspace.id).toBe(second);
});

// Workspace settings and members

const renameMutation = `mutation($input: RenameWorkspaceInput!) { renameWorkspace(input: $input) { workspace { ${workspaceFields} } userErrors { code field message } } }`;
const logoMutation = `mutation($input: SetWorkspaceLogoInput!) { setWorkspaceLogo(input: $input) { workspace { ${workspaceFields} } userErrors { code field message } } }`;
const addMemberMutation = `mutation($input: AddWorkspaceMemberInput!) {
  addWorkspaceMember(input: $input) { member { role account { id name email } } userErrors { code field message } }
}`;

test('renameWorkspace by admin', async () => {
  const admin = await signUp(graph, 'Ann');
  const data = dataOf(await gql(graph, renameMutation, { input: { workspaceId: admin.workspaceId, name: ' Renamed ' } }, admin.token));
  expect(data.renameWorkspace).toEqual({ workspace: { id: admin.workspaceId, name: 'Renamed', logoUrl: null, viewerRole: 'ADMIN' }, userErrors: [] });
  expect((await readWorkspace(admin.token, admin.workspaceId)).name).toBe('Renamed');

  const blank = dataOf(await gql(graph, renameMutation, { input: { workspaceId: admin.workspaceId, name: '' } }, admin.token));
  expectUserError(blank.renameWorkspace, 'workspace', 'INVALID_INPUT', ['input', 'name']);
  expect((await readWorkspace(admin.token, admin.workspaceId)).name).toBe('Renamed');
});

test('renameWorkspace by member', async () => {
  const admin = await signUp(graph, 'Ari');
  const member = await signUp(graph, 'Moe');
  await addWorkspaceMember(graph, admin.token, admin.workspaceId, member.email, 'MEMBER');
  const before = await readWorkspace(admin.token, admin.workspaceId);
  expect((await readWorkspace(member.token, admin.workspaceId)).viewerRole).toBe('MEMBER');

  expectForbidden(await gql(graph, renameMutation, { input: { workspaceId: admin.workspaceId, name: 'Taken over' } }, member.token));
  expect(await readWorkspace(admin.token, admin.workspaceId)).toEqual(before);
});

test('renameWorkspace by stranger', async () => {
  const admin = await signUp(graph, 'Ida');
  const stranger = await signUp(graph, 'Sly');
  const before = await readWorkspace(admin.token, admin.workspaceId);
  expectForbidden(await gql(graph, renameMutation, { input: { workspaceId: admin.workspaceId, name: 'Taken over' } }, stranger.token));
  expectForbidden(await gql(graph, renameMutation, { input: { workspaceId: randomUUID(), name: 'Nowhere' } }, stranger.token));
  expect(await readWorkspace(admin.token, admin.workspaceId)).toEqual(before);
});

test('setWorkspaceLogo by admin', async () => {
  const admin = await signUp(graph, 'Lia');
  const logoUrl = 'https://cdn.example.com/logos/lia.png';
  const set = dataOf(await gql(graph, logoMutation, { input: { workspaceId: admin.workspaceId, logoUrl } }, admin.token));
  expect(set.setWorkspaceLogo.userErrors).toEqual([]);
  expect(set.setWorkspaceLogo.workspace.logoUrl).toBe(logoUrl);
  expect((await readWorkspace(admin.token, admin.workspaceId)).logoUrl).toBe(logoUrl);

  for (const invalid of ['javascript:alert(1)', 'not a url', 'ftp://example.com/logo.png', `https://example.com/${'a'.repeat(2048)}`]) {
    const rejected = dataOf(await gql(graph, logoMutation, { input: { workspaceId: admin.workspaceId, logoUrl: invalid } }, admin.token));
    expectUserError(rejected.setWorkspaceLogo, 'workspace', 'INVALID_INPUT', ['input', 'logoUrl']);
  }
  expect((await readWorkspace(admin.token, admin.workspaceId)).logoUrl).toBe(logoUrl);

  const cleared = dataOf(await gql(graph, logoMutation, { input: { workspaceId: admin.workspaceId, logoUrl: null } }, admin.token));
  expect(cleared.setWorkspaceLogo.userErrors).toEqual([]);
  expect(cleared.setWorkspaceLogo.workspace.logoUrl).toBeNull();
  expect((await readWorkspace(admin.token, admin.workspaceId)).logoUrl).toBeNull();
});

test('setWorkspaceLogo by member', async () => {
  const admin = await signUp(graph, 'Ava');
  const member = await signUp(graph, 'Max');
  await addWorkspaceMember(graph, admin.token, admin.workspaceId, member.email, 'MEMBER');
  expectForbidden(await gql(graph, logoMutation, { input: { workspaceId: admin.workspaceId, logoUrl: 'https://evil.example.com/logo.png' } }, member.token));
  expect((await readWorkspace(admin.token, admin.workspaceId)).logoUrl).toBeNull();
});

test('addWorkspaceMember', async () => {
  const admin = await signUp(graph, 'Amy');
  const invitee = await signUp(graph, 'Ian');
  const data = dataOf(await gql(graph, addMemberMutation, { input: { workspaceId: admin.workspaceId, email: invitee.email.toUpperCase(), role: 'MEMBER' } }, admin.token));
  expect(data.addWorkspaceMember).toEqual({ member: { role: 'MEMBER', account: { id: invitee.id, name: 'Ian', email: invitee.email } }, userErrors: [] });
  expect((await readWorkspace(invitee.token, admin.workspaceId)).viewerRole).toBe('MEMBER');
});

test('addWorkspaceMember with unknown e-mail', async () => {
  const admin = await signUp(graph, 'Uri');
  const before = await countRows(graph, 'identity.workspace_members');
  const data = dataOf(await gql(graph, addMemberMutation, { input: { workspaceId: admin.workspaceId, email: 'nobody.at.all@example.com', role: 'MEMBER' } }, admin.token));
  expectUserError(data.addWorkspaceMember, 'member', 'ACCOUNT_NOT_FOUND', ['input', 'email']);
  expect(await countRows(graph, 'identity.workspace_members')).toBe(before);
});

test('addWorkspaceMember with a NUL character', async () => {
  const admin = await signUp(graph, 'Nia');
  const data = dataOf(await gql(graph, addMemberMutation, { input: { workspaceId: admin.workspaceId, email: 'nul\u0000@example.com', role: 'MEMBER' } }, admin.token));
  expectUserError(data.addWorkspaceMember, 'member', 'INVALID_INPUT', ['input', 'email']);
});

test('addWorkspaceMember twice', async () => {
  const admin = await signUp(graph, 'Tom');
  const member = await signUp(graph, 'Tia');
  await addWorkspaceMember(graph, admin.token, admin.workspaceId, member.email, 'MEMBER');
  for (const [email, role] of [[member.email, 'ADMIN'], [member.email.toUpperCase(), 'MEMBER'], [admin.email, 'MEMBER']] as const) {
    const data = dataOf(await gql(graph, addMemberMutation, { input: { workspaceId: admin.workspaceId, email, role } }, admin.token));
    expectUserError(data.addWorkspaceMember, 'member', 'ALREADY_WORKSPACE_MEMBER', ['input', 'email']);
  }
  // Neither role changed.
  expect((await readWorkspace(member.token, admin.workspaceId)).viewerRole).toBe('MEMBER');
  expect((await readWorkspace(admin.token, admin.workspaceId)).viewerRole).toBe('ADMIN');
});

test('addWorkspaceMember race', async () => {
  const admin = await signUp(graph, 'Rae');
  const invitee = await signUp(graph, 'Rik');
  const before = await countRows(graph, 'identity.workspace_members');
  const responses = await Promise.all(
    [0, 1, 2].map(() => gql(graph, addMemberMutation, { input: { workspaceId: admin.workspaceId, email: invitee.email, role: 'MEMBER' } }, admin.token)),
  );
  const payloads = responses.map((response) => dataOf(response).addWorkspaceMember);
  expect(payloads.filter((payload) => payload.userErrors.length === 0)).toHaveLength(1);
  for (const payload of payloads.filter((candidate) => candidate.userErrors.length > 0)) {
    expectUserError(payload, 'member', 'ALREADY_WORKSPACE_MEMBER', ['input', 'email']);
  }
  expect(await countRows(graph, 'identity.workspace_members')).toBe(before + 1);
});

test('addWorkspaceMember by member', async () => {
  const admin = await signUp(graph, 'Eve');
  const member = await signUp(graph, 'Eli');
  const outsider = await signUp(graph, 'Oz');
  await addWorkspaceMember(graph, admin.token, admin.workspaceId, member.email, 'MEMBER');
  const before = await countRows(graph, 'identity.workspace_members');
  expectForbidden(await gql(graph, addMemberMutation, { input: { workspaceId: admin.workspaceId, email: outsider.email, role: 'ADMIN' } }, member.token));
  expectForbidden(await gql(graph, addMemberMutation, { input: { workspaceId: admin.workspaceId, email: member.email, role: 'ADMIN' } }, member.token));
  expect(await countRows(graph, 'identity.workspace_members')).toBe(before);
  expect((await readWorkspace(member.token, admin.workspaceId)).viewerRole).toBe('MEMBER');
});

// E-mail visibility

test('e-mail hidden from a stranger', async () => {
  const account = await signUp(graph, 'Hal');
  const stranger = await signUp(graph, 'Sid');
  // No gateway path leads a stranger to the account, so ask the identity subgraph as the gateway would.
  const body = entitiesBody([{ __typename: 'Account', id: account.id }], '... on Account { id name email }');
  const response = await postSignedToSubgraph(graph, 'identity', body, viewerOf(stranger));
  expect(response.status).toBe(200);
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0]).toMatchObject({ path: ['_entities', 0, 'email'], extensions: { code: 'FORBIDDEN' } });
  expect(response.data._entities).toEqual([{ id: account.id, name: 'Hal', email: null }]);
  expect(response.text).not.toContain(account.email);

  // The account itself reads it through the same request.
  const own = await postSignedToSubgraph(graph, 'identity', body, viewerOf(account));
  expect(dataOf(own)._entities).toEqual([{ id: account.id, name: 'Hal', email: account.email }]);
});

test('e-mail visible in a shared workspace', async () => {
  const admin = await signUp(graph, 'Wendy');
  const colleague = await signUp(graph, 'Walter');
  await addWorkspaceMember(graph, admin.token, admin.workspaceId, colleague.email, 'MEMBER');

  const membersQuery = `{ viewer { workspaces { id members { role account { id email } } } } }`;
  for (const reader of [admin, colleague]) {
    const { viewer } = dataOf(await gql(graph, membersQuery, {}, reader.token));
    const shared = viewer.workspaces.find((workspace: { id: string }) => workspace.id === admin.workspaceId);
    expect(shared.members).toEqual([
      { role: 'ADMIN', account: { id: admin.id, email: admin.email } },
      { role: 'MEMBER', account: { id: colleague.id, email: colleague.email } },
    ]);
  }

  const body = entitiesBody([{ __typename: 'Account', id: admin.id }], '... on Account { id email }');
  expect(dataOf(await postSignedToSubgraph(graph, 'identity', body, viewerOf(colleague)))._entities).toEqual([{ id: admin.id, email: admin.email }]);
});
