import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInRoleIds } from '../db/sharing/schema.js';
import {
  addProjectMember,
  addWorkspaceMember,
  archiveProject,
  assignTask,
  countStatements,
  createProject,
  createTask,
  dataOf,
  expectUserError,
  joinWorkspace,
  signUp,
  singleErrorOf,
  switchWorkspace,
  type TestAccount,
} from './builders.js';
import { dataOf as rawDataOf, entitiesBody, postSignedToSubgraph } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';
import {
  addExternalMember,
  backdateRunningTimer,
  countTimeEntries,
  giveProjectRole,
  logTime,
  logTimeMutation,
  logTimes,
  timeEntryFields,
  viewerOf,
} from './time-builders.js';

let graph: TestGraph;
/** Admin of the host workspace and first member, so an editor, of `projectId`. */
let owner: TestAccount;
/** A MEMBER of the host workspace and an editor of `projectId`. */
let teammate: TestAccount;
/** A MEMBER of the host workspace who is not a member of `projectId`. */
let bystander: TestAccount;
/** An ADMIN of the host workspace who is not a member of `projectId`. */
let hostAdmin: TestAccount;
/** Someone of another workspace with no access to the host workspace. */
let stranger: TestAccount;
let projectId: string;
let taskId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  owner = await signUp(graph, 'Olive Owner');
  teammate = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Tom Teammate', 'MEMBER');
  bystander = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Bea Bystander', 'MEMBER');
  hostAdmin = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Ada Admin', 'ADMIN');
  stranger = await signUp(graph, 'Sam Stranger');
  projectId = await createProject(graph, owner.token, 'Website');
  await addProjectMember(graph, owner.token, projectId, teammate.id);
  taskId = await createTask(graph, owner.token, { projectId, title: 'Design' });
});
afterAll(() => graph?.close());

const startTimerMutation = `mutation($input: StartTimerInput!) { startTimer(input: $input) { timeEntry { ${timeEntryFields} } userErrors { code field message } } }`;
const stopTimerMutation = `mutation { stopTimer { timeEntry { ${timeEntryFields} } userErrors { code field message } } }`;
const deleteMutation = `mutation($input: DeleteTimeEntryInput!) { deleteTimeEntry(input: $input) { timeEntry { id } userErrors { code field message } } }`;

const projectEntriesQuery = `query($id: ID!, $first: Int, $after: String) {
  project(id: $id) {
    timeEntries(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id } }
      nodes { id account { id } }
    }
  }
}`;

const myEntriesQuery = `query($from: Date, $to: Date, $first: Int, $after: String) {
  myTimeEntries(from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes { id entryDate durationMinutes project { id } ownerWorkspace { id } }
  }
}`;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function projectEntryIds(id: string, token: string): Promise<string[]> {
  const connection = dataOf(await graph.request(projectEntriesQuery, { id, first: 100 }, token)).project.timeEntries;
  expect(connection.totalCount).toBe(connection.nodes.length);
  return connection.nodes.map((node: { id: string }) => node.id);
}

async function taskEntryIds(id: string, token: string): Promise<string[]> {
  const data = dataOf(await graph.request(`query($id: ID!) { task(id: $id) { timeEntries { id } } }`, { id }, token));
  return data.task.timeEntries.map((entry: { id: string }) => entry.id);
}

async function myEntryIds(token: string, variables: Record<string, unknown> = {}): Promise<string[]> {
  const connection = dataOf(await graph.request(myEntriesQuery, { first: 100, ...variables }, token)).myTimeEntries;
  expect(connection.totalCount).toBe(connection.nodes.length);
  return connection.nodes.map((node: { id: string }) => node.id);
}

/** Stops the account's running timer, if any, so that each timer test starts without one. */
async function stopAnyTimer(account: TestAccount) {
  dataOf(await graph.request(stopTimerMutation, {}, account.token));
}

/** Creates a project of `lead` with one task and adds `members` as editors. */
async function createProjectWithTask(lead: TestAccount, name: string, members: TestAccount[] = []) {
  const id = await createProject(graph, lead.token, name);
  for (const member of members) await addProjectMember(graph, lead.token, id, member.id);
  const task = await createTask(graph, lead.token, { projectId: id, title: `${name} task` });
  return { projectId: id, taskId: task };
}

describe('logTime', () => {
  test('stores own entry', async () => {
    const input = { taskId, entryDate: '2026-03-02', durationMinutes: 90, note: 'Sketches\n\tand wireframes' };
    const data = dataOf(await graph.request(logTimeMutation, { input }, teammate.token));
    expect(data.logTime.userErrors).toEqual([]);
    const entry = data.logTime.timeEntry;
    expect(entry).toMatchObject({
      entryDate: '2026-03-02',
      durationMinutes: 90,
      startedAt: null,
      isRunning: false,
      note: 'Sketches\n\tand wireframes',
      task: { id: taskId },
      project: { id: projectId },
      account: { id: teammate.id },
      createdBy: { id: teammate.id },
      ownerWorkspace: { id: owner.ownWorkspaceId },
    });
    expect(entry.updatedAt).toBe(entry.createdAt);

    const read = dataOf(await graph.request(`query { myTimeEntries(first: 100) { nodes { ${timeEntryFields} } } }`, {}, teammate.token));
    expect(read.myTimeEntries.nodes).toContainEqual(entry);
  });

  test('reads names across subgraphs', async () => {
    const id = await logTime(graph, owner.token, { taskId, entryDate: '2026-03-03', durationMinutes: 15 });
    const data = dataOf(
      await graph.request(
        `query($id: ID!) { task(id: $id) { timeEntries { id task { title } project { name } account { name } createdBy { name } ownerWorkspace { id name } } } }`,
        { id: taskId },
        owner.token,
      ),
    );
    const entry = data.task.timeEntries.find((candidate: { id: string }) => candidate.id === id);
    expect(entry).toMatchObject({ task: { title: 'Design' }, project: { name: 'Website' }, account: { name: owner.name }, createdBy: { name: owner.name } });
    expect(entry.ownerWorkspace.id).toBe(owner.ownWorkspaceId);
    expect(entry.ownerWorkspace.name).toEqual(expect.any(String));
  });

  test('accepts bounds and omitted note', async () => {
    for (const durationMinutes of [1, 1440]) {
      const data = dataOf(await graph.request(logTimeMutation, { input: { taskId, entryDate: '2026-03-04', durationMinutes } }, owner.token));
      expect(data.logTime.userErrors).toEqual([]);
      expect(data.logTime.timeEntry).toMatchObject({ durationMinutes, note: '' });
    }
    const note = 'n'.repeat(2000);
    const data = dataOf(await graph.request(logTimeMutation, { input: { taskId, entryDate: '2026-03-04', durationMinutes: 5, note } }, owner.token));
    expect(data.logTime.timeEntry.note).toBe(note);
  });

  test('bad duration or note gives INVALID_INPUT', async () => {
    const before = await countTimeEntries(graph, owner.id);
    const cases = [
      [{ durationMinutes: 0 }, 'durationMinutes'],
      [{ durationMinutes: -30 }, 'durationMinutes'],
      [{ durationMinutes: 1441 }, 'durationMinutes'],
      [{ durationMinutes: 30, note: 'n'.repeat(2001) }, 'note'],
      [{ durationMinutes: 30, note: 'nul\u0000note' }, 'note'],
    ] as const;
    for (const [fields, field] of cases) {
      const data = dataOf(await graph.request(logTimeMutation, { input: { taskId, entryDate: '2026-03-05', ...fields } }, owner.token));
      expectUserError(data.logTime, 'timeEntry', 'INVALID_INPUT', ['input', field]);
    }

    // Both problems come back together.
    const both = dataOf(await graph.request(logTimeMutation, { input: { taskId, entryDate: '2026-03-05', durationMinutes: 0, note: 'n'.repeat(2001) } }, owner.token));
    expect(both.logTime.userErrors.map((error: { field: string[] }) => error.field)).toEqual([
      ['input', 'durationMinutes'],
      ['input', 'note'],
    ]);
    expect(await countTimeEntries(graph, owner.id)).toBe(before);
  });

  test('impossible date or bad ID gives BAD_USER_INPUT', async () => {
    const before = await countTimeEntries(graph, owner.id);
    for (const input of [
      { taskId, entryDate: '2026-02-30', durationMinutes: 30 },
      { taskId: 'not-a-uuid', entryDate: '2026-03-05', durationMinutes: 30 },
      { taskId, accountId: 'not-a-uuid', entryDate: '2026-03-05', durationMinutes: 30 },
    ]) {
      singleErrorOf(await graph.request(logTimeMutation, { input }, owner.token), 'BAD_USER_INPUT');
    }
    expect(await countTimeEntries(graph, owner.id)).toBe(before);
  });

  test('non-member or unknown task gives FORBIDDEN', async () => {
    const missingTask = '00000000-0000-4000-8000-000000000000';
    for (const [account, input] of [
      [bystander, { taskId, entryDate: '2026-03-05', durationMinutes: 30 }],
      [stranger, { taskId, entryDate: '2026-03-05', durationMinutes: 30 }],
      [owner, { taskId: missingTask, entryDate: '2026-03-05', durationMinutes: 30 }],
    ] as const) {
      const response = await graph.request(logTimeMutation, { input }, account.token);
      singleErrorOf(response, 'FORBIDDEN');
      expect(response.data?.logTime ?? null).toBeNull();
    }
    expect(await countTimeEntries(graph, bystander.id)).toBe(0);
    expect(await countTimeEntries(graph, stranger.id)).toBe(0);
  });

  test('anonymous gives UNAUTHENTICATED', async () => {
    singleErrorOf(await graph.request(logTimeMutation, { input: { taskId, entryDate: '2026-03-05', durationMinutes: 30 } }), 'UNAUTHENTICATED');
    singleErrorOf(await graph.request(stopTimerMutation, {}), 'UNAUTHENTICATED');
    singleErrorOf(await graph.request(`{ myTimeEntries { totalCount } }`), 'UNAUTHENTICATED');
  });
});

describe('logTime for another member', () => {
  test('editor logs for a member', async () => {
    const data = dataOf(await graph.request(logTimeMutation, { input: { taskId, accountId: teammate.id, entryDate: '2026-03-06', durationMinutes: 45 } }, owner.token));
    expect(data.logTime.userErrors).toEqual([]);
    expect(data.logTime.timeEntry).toMatchObject({ account: { id: teammate.id }, createdBy: { id: owner.id } });
    expect(await myEntryIds(teammate.token)).toContain(data.logTime.timeEntry.id);
  });

  test('host admin logs for a member', async () => {
    const data = dataOf(await graph.request(logTimeMutation, { input: { taskId, accountId: teammate.id, entryDate: '2026-03-06', durationMinutes: 20 } }, hostAdmin.token));
    expect(data.logTime.userErrors).toEqual([]);
    expect(data.logTime.timeEntry).toMatchObject({ account: { id: teammate.id }, createdBy: { id: hostAdmin.id } });
  });

  test('non-member target gives NOT_A_PROJECT_MEMBER', async () => {
    const unknownAccount = '00000000-0000-4000-8000-00000000beef';
    for (const [token, accountId, field] of [
      [owner.token, bystander.id, ['input', 'accountId']],
      [owner.token, stranger.id, ['input', 'accountId']],
      [owner.token, unknownAccount, ['input', 'accountId']],
      // A host admin may see the project, but their own time needs a membership too.
      [hostAdmin.token, hostAdmin.id, ['input', 'accountId']],
      [hostAdmin.token, null, null],
    ] as const) {
      const data = dataOf(await graph.request(logTimeMutation, { input: { taskId, accountId, entryDate: '2026-03-06', durationMinutes: 30 } }, token));
      expectUserError(data.logTime, 'timeEntry', 'NOT_A_PROJECT_MEMBER', field === null ? null : [...field]);
    }
    expect(await countTimeEntries(graph, bystander.id)).toBe(0);
    expect(await countTimeEntries(graph, hostAdmin.id)).toBe(0);
  });

  test('non-editor gives FORBIDDEN', async () => {
    const { projectId: scoped, taskId: scopedTask } = await createProjectWithTask(owner, 'Non-editor', [teammate]);
    await giveProjectRole(graph, scoped, teammate.id, { canManageMembers: false, seesAllTasks: true, canEditTasks: true, canTrackTime: true });

    const forOwner = await graph.request(logTimeMutation, { input: { taskId: scopedTask, accountId: owner.id, entryDate: '2026-03-06', durationMinutes: 30 } }, teammate.token);
    singleErrorOf(forOwner, 'FORBIDDEN');
    // Naming oneself needs no editor rights.
    const forSelf = dataOf(await graph.request(logTimeMutation, { input: { taskId: scopedTask, accountId: teammate.id, entryDate: '2026-03-06', durationMinutes: 30 } }, teammate.token));
    expect(forSelf.logTime.userErrors).toEqual([]);
    expect(await projectEntryIds(scoped, owner.token)).toEqual([forSelf.logTime.timeEntry.id]);
  });

  test('role without time tracking gives FORBIDDEN', async () => {
    const { projectId: scoped, taskId: scopedTask } = await createProjectWithTask(owner, 'No tracking', [teammate]);
    await giveProjectRole(graph, scoped, teammate.id, { canManageMembers: false, seesAllTasks: true, canEditTasks: true, canTrackTime: false });
    const before = await countTimeEntries(graph, teammate.id);

    singleErrorOf(await graph.request(logTimeMutation, { input: { taskId: scopedTask, entryDate: '2026-03-06', durationMinutes: 30 } }, teammate.token), 'FORBIDDEN');
    singleErrorOf(await graph.request(startTimerMutation, { input: { taskId: scopedTask } }, teammate.token), 'FORBIDDEN');
    expect(await countTimeEntries(graph, teammate.id)).toBe(before);

    // An editor may still log time for them, and they see the project's entries.
    const id = await logTime(graph, owner.token, { taskId: scopedTask, accountId: teammate.id, entryDate: '2026-03-06', durationMinutes: 30 });
    expect(await projectEntryIds(scoped, teammate.token)).toEqual([id]);
  });
});

describe('timer', () => {
  test('start and stop', async () => {
    await stopAnyTimer(teammate);
    const started = dataOf(await graph.request(startTimerMutation, { input: { taskId, note: 'Logo' } }, teammate.token)).startTimer;
    expect(started.userErrors).toEqual([]);
    expect(started.timeEntry).toMatchObject({ isRunning: true, durationMinutes: null, note: 'Logo', entryDate: today(), account: { id: teammate.id } });
    expect(Date.now() - Date.parse(started.timeEntry.startedAt)).toBeLessThan(60_000);

    const stopped = dataOf(await graph.request(stopTimerMutation, {}, teammate.token)).stopTimer;
    expect(stopped.userErrors).toEqual([]);
    expect(stopped.timeEntry).toMatchObject({ id: started.timeEntry.id, isRunning: false, durationMinutes: 1, startedAt: started.timeEntry.startedAt });
    expect(Date.parse(stopped.timeEntry.updatedAt)).toBeGreaterThan(Date.parse(started.timeEntry.updatedAt));
  });

  test('second timer gives TIMER_ALREADY_RUNNING', async () => {
    await stopAnyTimer(teammate);
    const otherTask = await createTask(graph, owner.token, { projectId, title: 'Second task' });
    const first = dataOf(await graph.request(startTimerMutation, { input: { taskId } }, teammate.token)).startTimer.timeEntry;

    const second = dataOf(await graph.request(startTimerMutation, { input: { taskId: otherTask } }, teammate.token)).startTimer;
    expectUserError(second, 'timeEntry', 'TIMER_ALREADY_RUNNING', null);
    expect(second.userErrors[0].message).toContain(first.id);
    await stopAnyTimer(teammate);
  });

  test('stop without timer gives NO_TIMER_RUNNING', async () => {
    await stopAnyTimer(teammate);
    const data = dataOf(await graph.request(stopTimerMutation, {}, teammate.token));
    expectUserError(data.stopTimer, 'timeEntry', 'NO_TIMER_RUNNING', null);
  });

  test('duration rounds up and caps at a day', async () => {
    // Each elapsed time stays clear of a whole minute, so the requests' own time cannot tip it over.
    for (const [elapsedMinutes, expected] of [
      [90 + 10 / 60, 91],
      [44.5, 45],
      [30 * 60, 1440],
    ] as const) {
      dataOf(await graph.request(startTimerMutation, { input: { taskId } }, owner.token));
      await backdateRunningTimer(graph, owner, elapsedMinutes);
      const stopped = dataOf(await graph.request(stopTimerMutation, {}, owner.token)).stopTimer;
      expect(stopped.timeEntry.durationMinutes, `${elapsedMinutes} minutes`).toBe(expected);
    }
  });

  test('start with date; bad note gives INVALID_INPUT', async () => {
    await stopAnyTimer(teammate);
    const invalid = dataOf(await graph.request(startTimerMutation, { input: { taskId, note: 'n'.repeat(2001) } }, teammate.token)).startTimer;
    expectUserError(invalid, 'timeEntry', 'INVALID_INPUT', ['input', 'note']);

    const started = dataOf(await graph.request(startTimerMutation, { input: { taskId, entryDate: '2026-04-01' } }, teammate.token)).startTimer;
    expect(started.timeEntry).toMatchObject({ entryDate: '2026-04-01', note: '', isRunning: true });
    await stopAnyTimer(teammate);
  });

  test('concurrent starts run one timer', async () => {
    await stopAnyTimer(teammate);
    const responses = await Promise.all([1, 2, 3].map(() => graph.request(startTimerMutation, { input: { taskId } }, teammate.token)));
    const payloads = responses.map((response) => dataOf(response).startTimer);
    const started = payloads.filter((payload) => payload.timeEntry !== null);
    expect(started).toHaveLength(1);
    for (const payload of payloads.filter((candidate) => candidate.timeEntry === null)) {
      expect(payload.userErrors.map((error: { code: string }) => error.code)).toEqual(['TIMER_ALREADY_RUNNING']);
    }

    const stops = await Promise.all([1, 2].map(() => graph.request(stopTimerMutation, {}, teammate.token)));
    const stopped = stops.map((response) => dataOf(response).stopTimer);
    expect(stopped.filter((payload) => payload.timeEntry !== null).map((payload) => payload.timeEntry.id)).toEqual([started[0].timeEntry.id]);
    expect(stopped.flatMap((payload) => payload.userErrors.map((error: { code: string }) => error.code))).toEqual(['NO_TIMER_RUNNING']);
  });

  test('non-member start gives FORBIDDEN', async () => {
    singleErrorOf(await graph.request(startTimerMutation, { input: { taskId } }, bystander.token), 'FORBIDDEN');
    const data = dataOf(await graph.request(stopTimerMutation, {}, bystander.token));
    expectUserError(data.stopTimer, 'timeEntry', 'NO_TIMER_RUNNING', null);
  });
});

describe('archived project', () => {
  test('tracking gives PROJECT_ARCHIVED; stopTimer works', async () => {
    await stopAnyTimer(teammate);
    const { projectId: archived, taskId: archivedTask } = await createProjectWithTask(owner, 'Archived', [teammate]);
    const entryId = await logTime(graph, teammate.token, { taskId: archivedTask, entryDate: '2026-03-07', durationMinutes: 30 });
    const running = dataOf(await graph.request(startTimerMutation, { input: { taskId: archivedTask } }, teammate.token)).startTimer.timeEntry;
    await archiveProject(graph, owner.token, archived);

    const logged = dataOf(await graph.request(logTimeMutation, { input: { taskId: archivedTask, entryDate: '2026-03-07', durationMinutes: 30 } }, owner.token)).logTime;
    expectUserError(logged, 'timeEntry', 'PROJECT_ARCHIVED', ['input', 'taskId']);
    const started = dataOf(await graph.request(startTimerMutation, { input: { taskId: archivedTask } }, owner.token)).startTimer;
    expectUserError(started, 'timeEntry', 'PROJECT_ARCHIVED', ['input', 'taskId']);
    const deleted = dataOf(await graph.request(deleteMutation, { input: { timeEntryId: entryId } }, teammate.token)).deleteTimeEntry;
    expectUserError(deleted, 'timeEntry', 'PROJECT_ARCHIVED', ['input', 'timeEntryId']);

    // A timer left running must not block every later timer.
    const stopped = dataOf(await graph.request(stopTimerMutation, {}, teammate.token)).stopTimer;
    expect(stopped.userErrors).toEqual([]);
    expect(stopped.timeEntry.id).toBe(running.id);
    expect(await projectEntryIds(archived, owner.token)).toHaveLength(2);
  });
});

describe('deleteTimeEntry', () => {
  test('own entry', async () => {
    const id = await logTime(graph, teammate.token, { taskId, entryDate: '2026-03-08', durationMinutes: 30 });
    const data = dataOf(await graph.request(deleteMutation, { input: { timeEntryId: id } }, teammate.token));
    expect(data.deleteTimeEntry).toEqual({ timeEntry: { id }, userErrors: [] });
    expect(await projectEntryIds(projectId, owner.token)).not.toContain(id);

    const again = dataOf(await graph.request(deleteMutation, { input: { timeEntryId: id } }, teammate.token));
    expectUserError(again.deleteTimeEntry, 'timeEntry', 'TIME_ENTRY_NOT_FOUND', ['input', 'timeEntryId']);
  });

  test('editor deletes any; non-editor FORBIDDEN', async () => {
    const { projectId: scoped, taskId: scopedTask } = await createProjectWithTask(owner, 'Deletions', [teammate]);
    await giveProjectRole(graph, scoped, teammate.id, { canManageMembers: false, seesAllTasks: true, canEditTasks: true, canTrackTime: true });
    const ownersEntry = await logTime(graph, owner.token, { taskId: scopedTask, entryDate: '2026-03-08', durationMinutes: 30 });
    const teammatesEntry = await logTime(graph, teammate.token, { taskId: scopedTask, entryDate: '2026-03-08', durationMinutes: 30 });

    singleErrorOf(await graph.request(deleteMutation, { input: { timeEntryId: ownersEntry } }, teammate.token), 'FORBIDDEN');
    expect(await projectEntryIds(scoped, owner.token)).toContain(ownersEntry);

    for (const [token, id] of [
      [owner.token, teammatesEntry],
      [hostAdmin.token, ownersEntry],
    ] as const) {
      expect(dataOf(await graph.request(deleteMutation, { input: { timeEntryId: id } }, token)).deleteTimeEntry).toEqual({ timeEntry: { id }, userErrors: [] });
    }
    expect(await projectEntryIds(scoped, owner.token)).toEqual([]);
  });

  test('invisible or unknown gives TIME_ENTRY_NOT_FOUND', async () => {
    const id = await logTime(graph, owner.token, { taskId, entryDate: '2026-03-08', durationMinutes: 30 });
    for (const [account, timeEntryId] of [
      [bystander, id],
      [stranger, id],
      [owner, '00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const data = dataOf(await graph.request(deleteMutation, { input: { timeEntryId } }, account.token));
      expectUserError(data.deleteTimeEntry, 'timeEntry', 'TIME_ENTRY_NOT_FOUND', ['input', 'timeEntryId']);
    }
    expect(await projectEntryIds(projectId, owner.token)).toContain(id);
  });
});

describe('visibility', () => {
  /** A project with entries of the owner and the teammate, and an external member with entries of their own. */
  let shared: { projectId: string; taskId: string };
  let external: TestAccount;
  let ownerEntry: string;
  let teammateEntry: string;
  let externalEntry: string;

  beforeAll(async () => {
    shared = await createProjectWithTask(owner, 'Shared', [teammate]);
    external = await signUp(graph, 'Eve External');
    await addExternalMember(graph, shared.projectId, external, owner);
    ownerEntry = await logTime(graph, owner.token, { taskId: shared.taskId, entryDate: '2026-05-01', durationMinutes: 60 });
    teammateEntry = await logTime(graph, teammate.token, { taskId: shared.taskId, entryDate: '2026-05-02', durationMinutes: 30 });
    externalEntry = await logTime(graph, external.token, { taskId: shared.taskId, entryDate: '2026-05-03', durationMinutes: 15 });
  });

  test('internal member and host admin see all', async () => {
    const all = [externalEntry, teammateEntry, ownerEntry];
    expect(await projectEntryIds(shared.projectId, teammate.token)).toEqual(all);
    expect(await projectEntryIds(shared.projectId, hostAdmin.token)).toEqual(all);
    expect(await taskEntryIds(shared.taskId, teammate.token)).toEqual(all);
    expect(await taskEntryIds(shared.taskId, hostAdmin.token)).toEqual(all);
  });

  test('external member sees only own', async () => {
    expect(await projectEntryIds(shared.projectId, external.token)).toEqual([externalEntry]);
    expect(await taskEntryIds(shared.taskId, external.token)).toEqual([externalEntry]);

    // Another member's entry is hidden when fetched as an entity, but their own is not.
    const body = entitiesBody(
      [
        { __typename: 'TimeEntry', id: ownerEntry },
        { __typename: 'TimeEntry', id: externalEntry },
      ],
      '... on TimeEntry { id note }',
    );
    const response = await postSignedToSubgraph(graph, 'work', body, viewerOf(external));
    expect(rawDataOf(response)._entities).toEqual([null, { id: externalEntry, note: '' }]);
  });

  test('external entry belongs to host', async () => {
    const data = dataOf(await graph.request(`query { myTimeEntries { nodes { id project { id name } ownerWorkspace { id name } } } }`, {}, external.token));
    expect(data.myTimeEntries.nodes).toEqual([{ id: externalEntry, project: { id: shared.projectId, name: 'Shared' }, ownerWorkspace: { id: owner.ownWorkspaceId, name: expect.any(String) } }]);
    expect(data.myTimeEntries.nodes[0].ownerWorkspace.id).not.toBe(external.ownWorkspaceId);
  });

  test('external cannot log for others', async () => {
    const response = await graph.request(logTimeMutation, { input: { taskId: shared.taskId, accountId: owner.id, entryDate: '2026-05-04', durationMinutes: 30 } }, external.token);
    singleErrorOf(response, 'FORBIDDEN');
    // The host's editors may log time for the external member.
    const id = await logTime(graph, owner.token, { taskId: shared.taskId, accountId: external.id, entryDate: '2026-05-04', durationMinutes: 30 });
    expect(await myEntryIds(external.token)).toEqual([id, externalEntry]);
  });

  test('non-member gets null or FORBIDDEN', async () => {
    for (const account of [bystander, stranger]) {
      expect(dataOf(await graph.request(projectEntriesQuery, { id: shared.projectId }, account.token)).project).toBeNull();
      expect(dataOf(await graph.request(`query($id: ID!) { task(id: $id) { timeEntries { id } } }`, { id: shared.taskId }, account.token)).task).toBeNull();
      expect(await myEntryIds(account.token)).toEqual([]);

      // Straight to the work subgraph, neither the project nor the entry resolves.
      const projectBody = entitiesBody([{ __typename: 'Project', id: shared.projectId }], '... on Project { timeEntries { totalCount nodes { id note } } }');
      const projectResponse = await postSignedToSubgraph(graph, 'work', projectBody, viewerOf(account));
      expect(rawDataOf(projectResponse)._entities).toEqual([null]);

      const entryBody = entitiesBody([{ __typename: 'TimeEntry', id: ownerEntry }], '... on TimeEntry { id note durationMinutes }');
      const entryResponse = await postSignedToSubgraph(graph, 'work', entryBody, viewerOf(account));
      expect(entryResponse.data?._entities).toEqual([null]);
    }
  });

  test('entity reference for a member', async () => {
    const body = entitiesBody([{ __typename: 'TimeEntry', id: teammateEntry }], '... on TimeEntry { id durationMinutes account { id } ownerWorkspace { id } }');
    const response = await postSignedToSubgraph(graph, 'work', body, viewerOf(owner));
    expect(rawDataOf(response)._entities).toEqual([{ id: teammateEntry, durationMinutes: 30, account: { id: teammate.id }, ownerWorkspace: { id: owner.ownWorkspaceId } }]);
  });

  test('assignee-only role sees assigned tasks', async () => {
    const assignee = await signUp(graph, 'Ann Assignee');
    await addExternalMember(graph, shared.projectId, assignee, owner, builtInRoleIds.externalAssignee);
    const assignedTask = await createTask(graph, owner.token, { projectId: shared.projectId, title: 'Assigned' });
    await assignTask(graph, owner.token, assignedTask, assignee.id);

    // Only the assigned task can take their time, from them or from an editor.
    singleErrorOf(await graph.request(logTimeMutation, { input: { taskId: shared.taskId, entryDate: '2026-05-05', durationMinutes: 30 } }, assignee.token), 'FORBIDDEN');
    const forAssignee = dataOf(
      await graph.request(logTimeMutation, { input: { taskId: shared.taskId, accountId: assignee.id, entryDate: '2026-05-05', durationMinutes: 30 } }, owner.token),
    );
    expectUserError(forAssignee.logTime, 'timeEntry', 'TASK_NOT_ASSIGNED', ['input', 'accountId']);
    const own = await logTime(graph, assignee.token, { taskId: assignedTask, entryDate: '2026-05-05', durationMinutes: 30 });

    expect(await projectEntryIds(shared.projectId, assignee.token)).toEqual([own]);
    expect(await myEntryIds(assignee.token)).toEqual([own]);
    expect(await projectEntryIds(shared.projectId, owner.token)).toContain(own);

    // Unassigned, they no longer see the task, nor their time on it.
    dataOf(await graph.request(`mutation($input: TaskAssigneeInput!) { unassignTask(input: $input) { userErrors { code } } }`, { input: { taskId: assignedTask, accountId: assignee.id } }, owner.token));
    expect(await projectEntryIds(shared.projectId, assignee.token)).toEqual([]);
    expect(await myEntryIds(assignee.token)).toEqual([]);
  });
});

describe('myTimeEntries', () => {
  test('spans workspaces with their owners', async () => {
    const worker = await signUp(graph, 'Wendy Worker');
    const client = await signUp(graph, 'Carl Client');
    await addWorkspaceMember(graph, client.token, client.ownWorkspaceId, worker, 'MEMBER');
    const home = await createProjectWithTask(worker, 'Home project');
    const away = await createProjectWithTask(client, 'Client project', [worker]);
    const homeEntry = await logTime(graph, worker.token, { taskId: home.taskId, entryDate: '2026-06-01', durationMinutes: 30 });
    const awayEntry = await logTime(graph, worker.token, { taskId: away.taskId, entryDate: '2026-06-02', durationMinutes: 45 });
    // The current workspace does not limit the list.
    await switchWorkspace(graph, worker, client.ownWorkspaceId);

    const connection = dataOf(await graph.request(myEntriesQuery, {}, worker.token)).myTimeEntries;
    expect(connection.totalCount).toBe(2);
    expect(connection.nodes).toEqual([
      { id: awayEntry, entryDate: '2026-06-02', durationMinutes: 45, project: { id: away.projectId }, ownerWorkspace: { id: client.ownWorkspaceId } },
      { id: homeEntry, entryDate: '2026-06-01', durationMinutes: 30, project: { id: home.projectId }, ownerWorkspace: { id: worker.ownWorkspaceId } },
    ]);
    // The client sees the worker's entry in the project, but not their home entry.
    expect(await projectEntryIds(away.projectId, client.token)).toEqual([awayEntry]);
    expect(await myEntryIds(client.token)).toEqual([]);
  });

  test('filters by date range', async () => {
    const ranger = await signUp(graph, 'Rita Range');
    const { taskId: rangeTask } = await createProjectWithTask(ranger, 'Ranges');
    const [first, second, third] = await logTimes(graph, ranger.token, rangeTask, ['2026-07-01', '2026-07-15', '2026-07-31']);

    expect(await myEntryIds(ranger.token, { from: '2026-07-15' })).toEqual([third, second]);
    expect(await myEntryIds(ranger.token, { to: '2026-07-15' })).toEqual([second, first]);
    expect(await myEntryIds(ranger.token, { from: '2026-07-02', to: '2026-07-30' })).toEqual([second]);
    expect(await myEntryIds(ranger.token, { from: '2026-07-15', to: '2026-07-15' })).toEqual([second]);

    const response = await graph.request(myEntriesQuery, { from: '2026-07-31', to: '2026-07-01' }, ranger.token);
    expect(singleErrorOf(response, 'BAD_USER_INPUT').path).toEqual(['myTimeEntries']);
  });

  test('drops projects the viewer left', async () => {
    const leaver = await joinWorkspace(graph, owner, owner.ownWorkspaceId, 'Leo Leaver', 'MEMBER');
    const { projectId: left, taskId: leftTask } = await createProjectWithTask(owner, 'Left behind', [leaver]);
    const id = await logTime(graph, leaver.token, { taskId: leftTask, entryDate: '2026-08-01', durationMinutes: 30 });
    const running = dataOf(await graph.request(startTimerMutation, { input: { taskId: leftTask, entryDate: '2026-08-02' } }, leaver.token)).startTimer.timeEntry;
    expect(await myEntryIds(leaver.token)).toEqual([running.id, id]);

    const removed = dataOf(
      await graph.request(
        `mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { userErrors { code } } }`,
        { input: { projectId: left, accountId: leaver.id } },
        owner.token,
      ),
    );
    expect(removed.removeProjectMember.userErrors).toEqual([]);
    expect(await myEntryIds(leaver.token)).toEqual([]);

    // The timer they left running can still be stopped, though they no longer see it.
    expect(dataOf(await graph.request(stopTimerMutation, {}, leaver.token)).stopTimer).toEqual({ timeEntry: null, userErrors: [] });
    // The entries stay with the host workspace.
    expect(await projectEntryIds(left, owner.token)).toEqual([running.id, id]);
  });
});

describe('pagination', () => {
  test('pages of 2 chain through 5 entries', async () => {
    const pager = await signUp(graph, 'Paula Pager');
    const { projectId: paged, taskId: pagedTask } = await createProjectWithTask(pager, 'Paged');
    // Two entries share a date: the later one recorded comes first.
    const [a, b, c, d, e] = await logTimes(graph, pager.token, pagedTask, ['2026-09-01', '2026-09-03', '2026-09-02', '2026-09-03', '2026-08-31']);
    const expected = [d, b, c, a, e];

    for (const [query, variables, pick] of [
      [projectEntriesQuery, { id: paged }, (data: any) => data.project.timeEntries],
      [myEntriesQuery, {}, (data: any) => data.myTimeEntries],
    ] as const) {
      const seen: string[] = [];
      const flags: boolean[][] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page += 1) {
        const connection: any = pick(dataOf(await graph.request(query, { ...variables, first: 2, after }, pager.token)));
        expect(connection.totalCount).toBe(5);
        expect(connection.nodes.map((node: { id: string }) => node.id)).toEqual(connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
        expect(connection.pageInfo.startCursor).toBe(connection.edges[0].cursor);
        expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1].cursor);
        seen.push(...connection.nodes.map((node: { id: string }) => node.id));
        flags.push([connection.pageInfo.hasNextPage, connection.pageInfo.hasPreviousPage]);
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
      expect(flags).toEqual([
        [true, false],
        [true, true],
        [false, true],
      ]);
      const tail: any = pick(dataOf(await graph.request(query, { ...variables, first: 2, after }, pager.token)));
      expect(tail).toMatchObject({ totalCount: 5, nodes: [], edges: [], pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } });
    }
  });

  test('bad first or cursor gives BAD_USER_INPUT', async () => {
    const { projectId: other } = await createProjectWithTask(owner, 'Cursor source');
    await logTime(graph, owner.token, { taskId, entryDate: '2026-09-01', durationMinutes: 30 });
    const projectCursor = dataOf(await graph.request(projectEntriesQuery, { id: projectId, first: 1 }, owner.token)).project.timeEntries.pageInfo.endCursor;
    const myCursor = dataOf(await graph.request(myEntriesQuery, { first: 1 }, owner.token)).myTimeEntries.pageInfo.endCursor;
    const rangeCursor = dataOf(await graph.request(myEntriesQuery, { first: 1, from: '2026-01-01' }, owner.token)).myTimeEntries.pageInfo.endCursor;
    const tampered = Buffer.from(Buffer.from(projectCursor, 'base64url').toString('utf8').replace(/\|\d{4}-\d{2}-\d{2}\|/, '|2026-02-30|')).toString('base64url');

    for (const variables of [{ first: 0 }, { first: 101 }, { first: -1 }, { first: 3, after: 'garbage' }, { first: 3, after: projectCursor }, { first: 3, after: tampered }]) {
      const response = await graph.request(projectEntriesQuery, { id: other, ...variables }, owner.token);
      expect(singleErrorOf(response, 'BAD_USER_INPUT').path, JSON.stringify(variables)).toEqual(['project', 'timeEntries']);
    }
    for (const variables of [{ first: 0 }, { first: 101 }, { first: 3, after: projectCursor }, { first: 3, after: rangeCursor }]) {
      const response = await graph.request(myEntriesQuery, variables, owner.token);
      expect(singleErrorOf(response, 'BAD_USER_INPUT').path, JSON.stringify(variables)).toEqual(['myTimeEntries']);
    }
    // Another viewer's cursor of their own list is not a cursor of this viewer's list.
    singleErrorOf(await graph.request(myEntriesQuery, { first: 3, after: myCursor }, teammate.token), 'BAD_USER_INPUT');

    // 100 is the largest page, and cursors of the same list work.
    dataOf(await graph.request(projectEntriesQuery, { id: projectId, first: 100, after: projectCursor }, owner.token));
    dataOf(await graph.request(myEntriesQuery, { first: 100, after: myCursor }, owner.token));
  });
});

describe('batching', () => {
  const projectQuery = `query($id: ID!) {
    project(id: $id) {
      name
      timeEntries(first: 100) {
        totalCount
        edges { cursor }
        nodes { durationMinutes isRunning task { title } project { name } account { name } createdBy { name } ownerWorkspace { name } }
      }
    }
  }`;
  const myQuery = `query {
    myTimeEntries(first: 100) {
      totalCount
      nodes { durationMinutes task { title timeEntries { id } } project { name } account { name } ownerWorkspace { id name } }
    }
  }`;

  test('statements do not grow with entries', async () => {
    const counts: Record<string, number> = {};
    for (const size of [5, 40]) {
      const lead = await signUp(graph, `Lead ${size}`);
      const helper = await signUp(graph, `Helper ${size}`);
      const { projectId: measured } = await createProjectWithTask(lead, `Measured ${size}`, []);
      await addWorkspaceMember(graph, lead.token, lead.ownWorkspaceId, helper, 'MEMBER');
      await addProjectMember(graph, lead.token, measured, helper.id);
      const taskIds = [await createTask(graph, lead.token, { projectId: measured, title: 'One' }), await createTask(graph, lead.token, { projectId: measured, title: 'Two' })];
      for (let index = 0; index < size; index += 1) {
        const day = String((index % 28) + 1).padStart(2, '0');
        await logTime(graph, lead.token, { taskId: taskIds[index % 2], accountId: index % 3 === 0 ? helper.id : lead.id, entryDate: `2026-10-${day}`, durationMinutes: 10 + index });
      }

      const projectRun = await countStatements(graph, projectQuery, { id: measured }, lead.token);
      const projectEntries = dataOf(projectRun.response).project.timeEntries;
      expect(projectEntries.totalCount).toBe(size);
      expect(projectEntries.nodes).toHaveLength(size);
      for (const node of projectEntries.nodes) expect(node.ownerWorkspace.name).toEqual(expect.any(String));
      counts[`project, ${size} entries`] = projectRun.statements;

      const myRun = await countStatements(graph, myQuery, {}, lead.token);
      const myEntries = dataOf(myRun.response).myTimeEntries;
      expect(myEntries.nodes).toHaveLength(size - Math.ceil(size / 3));
      counts[`mine, ${size} entries`] = myRun.statements;
    }
    console.log(`SQL statements for time entry lists: ${JSON.stringify(counts)}`);
    expect(counts['project, 40 entries']).toBe(counts['project, 5 entries']);
    expect(counts['mine, 40 entries']).toBe(counts['mine, 5 entries']);
  });
});
