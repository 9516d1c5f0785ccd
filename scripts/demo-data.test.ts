import { afterAll, beforeAll, expect, test } from 'vitest';
import { dataOf } from '../e2e/builders.js';
import { startTestGraph, type TestGraph } from '../e2e/harness.js';
import { demoAccounts, demoPassword, loadDemoData } from './demo-data.js';

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ prepare: (database) => loadDemoData(database.db) });
});
afterAll(() => graph?.close());

async function logIn(email: string): Promise<string> {
  const data = dataOf(await graph.request(`mutation($input: LogInInput!) { logIn(input: $input) { accessToken userErrors { code } } }`, { input: { email, password: demoPassword } }));
  expect(data.logIn.userErrors).toEqual([]);
  return data.logIn.accessToken;
}

const overview = `{
  viewer {
    currentWorkspace {
      name
      externalProjects { name hostWorkspace { name logoUrl } tasks { totalCount } }
    }
  }
  myTimeEntries { nodes { durationMinutes ownerWorkspace { name } } }
}`;

test('loadDemoData runs once', async () => {
  expect(await loadDemoData(graph.database.db)).toBe('present');
});

test('demo client works from Northwind', async () => {
  const data = dataOf(await graph.request(overview, {}, await logIn('cleo@northwind.example')));
  expect(data.viewer.currentWorkspace).toEqual({
    name: 'Northwind',
    externalProjects: [{ name: 'Website relaunch', hostWorkspace: { name: 'Acme', logoUrl: 'https://acme.example/logo.png' }, tasks: { totalCount: 4 } }],
  });
  expect(data.myTimeEntries.nodes).toEqual([{ durationMinutes: 45, ownerWorkspace: { name: 'Acme' } }]);
});

test('demo freelancer sees only assigned tasks', async () => {
  const data = dataOf(await graph.request(overview, {}, await logIn('fred@freelance.example')));
  expect(data.viewer.currentWorkspace.name).toBe('Fred Studio');
  expect(data.viewer.currentWorkspace.externalProjects).toEqual([
    { name: 'Website relaunch', hostWorkspace: { name: 'Acme', logoUrl: 'https://acme.example/logo.png' }, tasks: { totalCount: 1 } },
  ]);
  expect(data.myTimeEntries.nodes).toEqual([{ durationMinutes: 90, ownerWorkspace: { name: 'Acme' } }]);
});

test('demo agency sees all members and time', async () => {
  const token = await logIn('alice@acme.example');
  const data = dataOf(
    await graph.request(`{ viewer { currentWorkspace { projects { members { isExternal account { email } } timeEntries { totalCount } } } } }`, {}, token),
  );
  const [project] = data.viewer.currentWorkspace.projects;
  // The demo members joined in one transaction, so their order among themselves is by id.
  const members = project.members.map((member: { isExternal: boolean; account: { email: string } }) => [member.account.email, member.isExternal]).sort();
  expect(members).toEqual(demoAccounts.map((account) => [account.email, !account.email.endsWith('@acme.example')]).sort());
  expect(project.timeEntries.totalCount).toBe(3);
});

test('demo mention reaches Bob, internal note stays internal', async () => {
  const bob = dataOf(await graph.request('{ notifications { unreadCount nodes { kind actor { name } comment { body } } } }', {}, await logIn('bob@acme.example')));
  expect(bob.notifications.unreadCount).toBe(1);
  expect(bob.notifications.nodes).toEqual([{ kind: 'MENTIONED', actor: { name: 'Cleo Client' }, comment: { body: 'Bob, could you send the signed contract back by Friday?' } }]);

  const history = `{ viewer { currentWorkspace { externalProjects { activity { nodes { kind comment { isInternal } } } } } } }`;
  const cleo = dataOf(await graph.request(history, {}, await logIn('cleo@northwind.example')));
  const kinds = cleo.viewer.currentWorkspace.externalProjects[0].activity.nodes;
  expect(kinds.filter((node: { kind: string }) => node.kind === 'COMMENTED')).toEqual([{ kind: 'COMMENTED', comment: { isInternal: false } }]);
});
