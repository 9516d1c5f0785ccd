import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addProjectMember, assignTask, countStatements, createProject, createTask, dataOf, joinWorkspace, signUp, singleErrorOf, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { accept, invite, roles } from './sharing-builders.js';
import { logTime } from './time-builders.js';

let graph: TestGraph;
/** Admin of the agency workspace. */
let admin: TestAccount;
/** A member of the agency and of its project, on the built-in Editor role. */
let editor: TestAccount;
/** An agency member outside the project. */
let bystander: TestAccount;
/** External collaborator, who also runs a project in their own workspace. */
let client: TestAccount;
/** External assignee. */
let freelancer: TestAccount;
let projectId: string;
let sharedTaskId: string;
let assignedTaskId: string;
let clientProjectId: string;
let clientTaskId: string;

/** The report through the graph, as a client reaches a workspace: the viewer's workspace list. */
const viewerReport = `query($from: Date!, $to: Date!) {
  viewer { workspaces { id timeReport(from: $from, to: $to) {
    from to totalMinutes
    byProject { project { id } totalMinutes }
    byPerson { account { id } isExternal totalMinutes }
    rows { project { id } task { id } account { id } isExternal totalMinutes }
  } } }
}`;

async function reportOf(account: TestAccount, workspaceId: string, from = '2026-11-01', to = '2026-11-30') {
  const response = await graph.request(viewerReport, { from, to }, account.token);
  const workspaces = dataOf(response).viewer.workspaces as Array<{ id: string; timeReport: unknown }>;
  return workspaces.find((workspace) => workspace.id === workspaceId)!.timeReport as any;
}

beforeAll(async () => {
  graph = await startTestGraph();
  admin = await signUp(graph, 'Ada Agency');
  editor = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Eli Editor', 'MEMBER');
  bystander = await joinWorkspace(graph, admin, admin.ownWorkspaceId, 'Bo Bystander', 'MEMBER');
  projectId = await createProject(graph, admin.token, 'Relaunch');
  await addProjectMember(graph, admin.token, projectId, editor.id);
  client = await signUp(graph, 'Cleo Client');
  await accept(graph, client, (await invite(graph, admin.token, projectId, client.email, roles.externalCollaborator)).token);
  freelancer = await signUp(graph, 'Fred Freelancer');
  await accept(graph, freelancer, (await invite(graph, admin.token, projectId, freelancer.email, roles.externalAssignee)).token);
  sharedTaskId = await createTask(graph, admin.token, { projectId, title: 'Concept' });
  assignedTaskId = await createTask(graph, admin.token, { projectId, title: 'Illustrations' });
  await assignTask(graph, admin.token, assignedTaskId, freelancer.id);

  await logTime(graph, admin.token, { taskId: sharedTaskId, entryDate: '2026-11-02', durationMinutes: 60 });
  await logTime(graph, editor.token, { taskId: sharedTaskId, entryDate: '2026-11-03', durationMinutes: 15 });
  await logTime(graph, client.token, { taskId: sharedTaskId, entryDate: '2026-11-03', durationMinutes: 30 });
  await logTime(graph, freelancer.token, { taskId: assignedTaskId, entryDate: '2026-11-04', durationMinutes: 45 });
  // Outside the range of every report below.
  await logTime(graph, admin.token, { taskId: sharedTaskId, entryDate: '2026-10-31', durationMinutes: 500 });

  clientProjectId = await createProject(graph, client.token, 'Client internal');
  clientTaskId = await createTask(graph, client.token, { projectId: clientProjectId, title: 'Budget review' });
  await logTime(graph, client.token, { taskId: clientTaskId, entryDate: '2026-11-05', durationMinutes: 20 });
});
afterAll(() => graph?.close());

describe('time report', () => {
  test('host report includes external members’ time', async () => {
    const report = await reportOf(admin, admin.ownWorkspaceId);
    expect(report).toMatchObject({ from: '2026-11-01', to: '2026-11-30', totalMinutes: 150 });
    expect(report.byProject).toEqual([{ project: { id: projectId }, totalMinutes: 150 }]);
    expect(report.byPerson).toEqual([
      { account: { id: admin.id }, isExternal: false, totalMinutes: 60 },
      { account: { id: freelancer.id }, isExternal: true, totalMinutes: 45 },
      { account: { id: client.id }, isExternal: true, totalMinutes: 30 },
      { account: { id: editor.id }, isExternal: false, totalMinutes: 15 },
    ]);
    expect(report.rows).toHaveLength(4);
    expect(report.rows).toContainEqual({ project: { id: projectId }, task: { id: assignedTaskId }, account: { id: freelancer.id }, isExternal: true, totalMinutes: 45 });
  });

  test('external’s own report leaves out external projects', async () => {
    const report = await reportOf(client, client.ownWorkspaceId);
    expect(report.totalMinutes).toBe(20);
    expect(report.rows).toEqual([{ project: { id: clientProjectId }, task: { id: clientTaskId }, account: { id: client.id }, isExternal: false, totalMinutes: 20 }]);

    // Their own list of times still contains both entries.
    const mine = dataOf(await graph.request('{ myTimeEntries { nodes { durationMinutes project { id } } } }', {}, client.token)).myTimeEntries.nodes;
    expect(mine.map((entry: { durationMinutes: number }) => entry.durationMinutes).sort()).toEqual([20, 30]);
  });

  test('members see only what their project role shows', async () => {
    // The bystander is in no project of the workspace; the editor's role shows others' time.
    expect((await reportOf(bystander, admin.ownWorkspaceId)).totalMinutes).toBe(0);
    expect((await reportOf(editor, admin.ownWorkspaceId)).totalMinutes).toBe(150);
  });

  test('non-members are refused', async () => {
    for (const account of [client, freelancer]) {
      const response = await graph.request(
        `query($id: ID!) { task(id: $id) { timeEntries { ownerWorkspace { timeReport(from: "2026-11-01", to: "2026-11-30") { totalMinutes } } } } }`,
        { id: account === client ? sharedTaskId : assignedTaskId },
        account.token,
      );
      singleErrorOf(response, 'FORBIDDEN');
    }
  });

  test('invalid ranges name the fix', async () => {
    const reversed = singleErrorOf(await graph.request(viewerReport, { from: '2026-11-30', to: '2026-11-01' }, admin.token), 'BAD_USER_INPUT');
    expect(reversed.message).toMatch(/"from" 2026-11-30 is after "to" 2026-11-01/);
    const long = singleErrorOf(await graph.request(viewerReport, { from: '2025-01-01', to: '2026-11-01' }, admin.token), 'BAD_USER_INPUT');
    expect(long.message).toMatch(/at most 366 days/);
  });

  test('statement count independent of entries', async () => {
    const small = await countStatements(graph, viewerReport, { from: '2026-11-01', to: '2026-11-30' }, admin.token);
    for (let day = 10; day < 20; day += 1) await logTime(graph, editor.token, { taskId: assignedTaskId, entryDate: `2026-11-${day}`, durationMinutes: 5 });
    const large = await countStatements(graph, viewerReport, { from: '2026-11-01', to: '2026-11-30' }, admin.token);
    expect(dataOf(large.response).viewer.workspaces[0].timeReport.rows.length).toBeGreaterThan(dataOf(small.response).viewer.workspaces[0].timeReport.rows.length);
    expect(large.statements).toBe(small.statements);
  });
});
