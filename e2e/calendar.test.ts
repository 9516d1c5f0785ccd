import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInRoleIds } from '../db/sharing/schema.js';
import { addProjectMember, countStatements, createProject, createTask, dataOf, expectUserError, joinWorkspace, signUp, singleErrorOf, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { calendarEntryFields, createPrivateTask, schedule, scheduleTaskMutation, sharePrivateTask } from './private-builders.js';
import { addExternalMember } from './time-builders.js';

let graph: TestGraph;
/** Admin of the host workspace and lead of `projectId`. */
let host: TestAccount;
/** A MEMBER of the host workspace and an editor of `projectId`. */
let teammate: TestAccount;
/** A MEMBER of the host workspace outside `projectId`. */
let outsider: TestAccount;
/** An external collaborator of `projectId`, working from a workspace of their own. */
let external: TestAccount;
/** An external assignee of `projectId`, who sees only the tasks assigned to them (none). */
let assignee: TestAccount;
let projectId: string;
let taskId: string;

beforeAll(async () => {
  graph = await startTestGraph();
  host = await signUp(graph, 'Hugo Host');
  teammate = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Tara Team', 'MEMBER');
  outsider = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Otto Outside', 'MEMBER');
  external = await signUp(graph, 'Xena External');
  assignee = await signUp(graph, 'Ari Assignee');
  projectId = await createProject(graph, host.token, 'Launch');
  await addProjectMember(graph, host.token, projectId, teammate.id);
  await addExternalMember(graph, projectId, external, host);
  await addExternalMember(graph, projectId, assignee, host, builtInRoleIds.externalAssignee);
  taskId = await createTask(graph, host.token, { projectId, title: 'Write copy', dueDate: '2030-06-30' });
});
afterAll(() => graph?.close());

const calendarQuery = `query($from: DateTime!, $to: DateTime!) { myCalendar(from: $from, to: $to) { ${calendarEntryFields} } }`;
const rescheduleMutation = `mutation($input: RescheduleCalendarEntryInput!) { rescheduleCalendarEntry(input: $input) { calendarEntry { ${calendarEntryFields} } userErrors { code field message } } }`;
const unscheduleMutation = `mutation($input: CalendarEntryIdInput!) { unscheduleCalendarEntry(input: $input) { calendarEntry { id } userErrors { code field message } } }`;
const taskQuery = `query($id: ID!) { task(id: $id) { id title status dueDate updatedAt assignees { id } } }`;

/** Start and end of a slot `hours` long on day `day` of June 2030, from 09:00 UTC. */
function slot(day: number, hours = 1) {
  const start = new Date(Date.UTC(2030, 5, day, 9));
  return { start: start.toISOString(), end: new Date(start.getTime() + hours * 3_600_000).toISOString() };
}

const june = { from: '2030-06-01T00:00:00.000Z', to: '2030-07-01T00:00:00.000Z' };

async function calendarOf(account: TestAccount, range = june) {
  return dataOf(await graph.request(calendarQuery, range, account.token)).myCalendar as any[];
}
const idsOf = (entries: { id: string }[]) => entries.map((entry) => entry.id);

describe('scheduling', () => {
  test('scheduling leaves task and others unchanged', async () => {
    const before = dataOf(await graph.request(taskQuery, { id: taskId }, host.token)).task;
    const hostBefore = idsOf(await calendarOf(host));

    const data = dataOf(await graph.request(scheduleTaskMutation, { input: { taskId, ...slot(3, 2) } }, teammate.token));
    expect(data.scheduleTask.userErrors).toEqual([]);
    const entry = data.scheduleTask.calendarEntry;
    expect(entry).toMatchObject({ ...slot(3, 2), task: { id: taskId, title: 'Write copy', status: 'TODO' }, privateTask: null });

    expect(await calendarOf(teammate)).toContainEqual(entry);
    for (const account of [host, outsider, external, assignee]) expect(idsOf(await calendarOf(account))).not.toContain(entry.id);
    expect(idsOf(await calendarOf(host))).toEqual(hostBefore);
    expect(dataOf(await graph.request(taskQuery, { id: taskId }, host.token)).task).toEqual(before);
  });

  test('external member schedules shared task', async () => {
    const id = await schedule(graph, external.token, { taskId, ...slot(4) });
    const entries = await calendarOf(external);
    expect(entries.find((entry) => entry.id === id)).toMatchObject({ task: { id: taskId, title: 'Write copy' } });
    for (const account of [host, teammate, outsider]) expect(idsOf(await calendarOf(account))).not.toContain(id);
  });

  test('tasks the viewer may not see give TASK_NOT_FOUND', async () => {
    for (const account of [outsider, assignee]) {
      const data = dataOf(await graph.request(scheduleTaskMutation, { input: { taskId, ...slot(5) } }, account.token));
      expectUserError(data.scheduleTask, 'calendarEntry', 'TASK_NOT_FOUND', ['input', 'taskId']);
    }
    const missing = dataOf(await graph.request(scheduleTaskMutation, { input: { taskId: '00000000-0000-4000-8000-000000000000', ...slot(5) } }, host.token));
    expectUserError(missing.scheduleTask, 'calendarEntry', 'TASK_NOT_FOUND', ['input', 'taskId']);
  });

  test('own and shared private tasks can be scheduled; others cannot', async () => {
    const own = await createPrivateTask(graph, teammate.token, { title: 'Dentist' });
    const entry = await schedule(graph, teammate.token, { privateTaskId: own, ...slot(6) });
    expect((await calendarOf(teammate)).find((candidate) => candidate.id === entry)).toMatchObject({ task: null, privateTask: { id: own, title: 'Dentist' } });

    for (const account of [host, outsider, external]) {
      const data = dataOf(await graph.request(scheduleTaskMutation, { input: { privateTaskId: own, ...slot(6) } }, account.token));
      expectUserError(data.scheduleTask, 'calendarEntry', 'PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId']);
    }

    await sharePrivateTask(graph, teammate.token, own, outsider.id);
    const sharedEntry = await schedule(graph, outsider.token, { privateTaskId: own, ...slot(7) });
    expect(idsOf(await calendarOf(outsider))).toContain(sharedEntry);
    expect(idsOf(await calendarOf(teammate))).not.toContain(sharedEntry);
  });

  test('validation errors', async () => {
    const cases: [Record<string, unknown>, string, string[] | null][] = [
      [{ taskId, start: slot(8).start, end: slot(8).start }, 'INVALID_INPUT', ['input', 'end']],
      [{ taskId, start: slot(8).end, end: slot(8).start }, 'INVALID_INPUT', ['input', 'end']],
      [{ taskId, start: slot(1).start, end: new Date(Date.parse(slot(1).start) + 14 * 86_400_000 + 1000).toISOString() }, 'INVALID_INPUT', ['input', 'end']],
      [{ ...slot(8) }, 'INVALID_INPUT', null],
      [{ taskId, privateTaskId: await createPrivateTask(graph, host.token, { title: 'Both' }), ...slot(8) }, 'INVALID_INPUT', null],
    ];
    const before = (await calendarOf(host)).length;
    for (const [input, code, field] of cases) {
      const data = dataOf(await graph.request(scheduleTaskMutation, { input }, host.token));
      expectUserError(data.scheduleTask, 'calendarEntry', code, field);
    }
    expect(await calendarOf(host)).toHaveLength(before);

    // Exactly 14 days is allowed.
    await schedule(graph, host.token, { taskId, start: slot(10).start, end: new Date(Date.parse(slot(10).start) + 14 * 86_400_000).toISOString() });

    singleErrorOf(await graph.request(scheduleTaskMutation, { input: { taskId: 'nope', ...slot(8) } }, host.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(scheduleTaskMutation, { input: { taskId, start: 'tomorrow', end: slot(8).end } }, host.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(scheduleTaskMutation, { input: { taskId, ...slot(8) } }), 'UNAUTHENTICATED');
  });
});

describe('reading', () => {
  test('the range must be forward and at most 92 days', async () => {
    singleErrorOf(await graph.request(calendarQuery, { from: june.to, to: june.from }, host.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(calendarQuery, { from: june.from, to: june.from }, host.token), 'BAD_USER_INPUT');
    singleErrorOf(await graph.request(calendarQuery, { from: '2030-01-01T00:00:00.000Z', to: '2030-04-03T00:00:00.001Z' }, host.token), 'BAD_USER_INPUT');
    dataOf(await graph.request(calendarQuery, { from: '2030-01-01T00:00:00.000Z', to: '2030-04-03T00:00:00.000Z' }, host.token));
    singleErrorOf(await graph.request(calendarQuery, june), 'UNAUTHENTICATED');
  });

  test('entries overlapping the range come back, earliest start first', async () => {
    const reader = await joinWorkspace(graph, host, host.ownWorkspaceId, 'Rita Reader', 'MEMBER');
    await addProjectMember(graph, host.token, projectId, reader.id);
    const range = { from: '2030-08-10T00:00:00.000Z', to: '2030-08-20T00:00:00.000Z' };
    const straddling = await schedule(graph, reader.token, { taskId, start: '2030-08-01T00:00:00.000Z', end: '2030-08-11T00:00:00.000Z' });
    const inside = await schedule(graph, reader.token, { taskId, start: '2030-08-12T00:00:00.000Z', end: '2030-08-12T01:00:00.000Z' });
    const overEnd = await schedule(graph, reader.token, { taskId, start: '2030-08-19T23:00:00.000Z', end: '2030-08-25T00:00:00.000Z' });
    await schedule(graph, reader.token, { taskId, start: '2030-08-09T00:00:00.000Z', end: '2030-08-10T00:00:00.000Z' });
    await schedule(graph, reader.token, { taskId, start: '2030-08-20T00:00:00.000Z', end: '2030-08-21T00:00:00.000Z' });
    expect(idsOf(await calendarOf(reader, range))).toEqual([straddling, inside, overEnd]);
  });

  test('entry hidden after access is lost', async () => {
    const leaver = await signUp(graph, 'Leo Leaver');
    await addExternalMember(graph, projectId, leaver, host);
    const entry = await schedule(graph, leaver.token, { taskId, ...slot(12) });
    expect(idsOf(await calendarOf(leaver))).toEqual([entry]);

    const removed = dataOf(
      await graph.request(
        `mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { userErrors { code } } }`,
        { input: { projectId, accountId: leaver.id } },
        host.token,
      ),
    );
    expect(removed.removeProjectMember.userErrors).toEqual([]);
    expect(await calendarOf(leaver)).toEqual([]);
    const moved = dataOf(await graph.request(rescheduleMutation, { input: { calendarEntryId: entry, ...slot(13) } }, leaver.token));
    expectUserError(moved.rescheduleCalendarEntry, 'calendarEntry', 'CALENDAR_ENTRY_NOT_FOUND', ['input', 'calendarEntryId']);
  });

  test('a private task entry disappears when the task is unshared', async () => {
    const own = await createPrivateTask(graph, host.token, { title: 'Review together' });
    await sharePrivateTask(graph, host.token, own, outsider.id);
    const entry = await schedule(graph, outsider.token, { privateTaskId: own, ...slot(14) });
    expect(idsOf(await calendarOf(outsider))).toContain(entry);
    dataOf(await graph.request(`mutation($input: PrivateTaskShareInput!) { unsharePrivateTask(input: $input) { userErrors { code } } }`, { input: { privateTaskId: own, accountId: outsider.id } }, host.token));
    expect(idsOf(await calendarOf(outsider))).not.toContain(entry);
  });
});

describe('changing entries', () => {
  test('the owner reschedules and unschedules; nobody else finds the entry', async () => {
    const entry = await schedule(graph, teammate.token, { taskId, ...slot(20) });
    for (const account of [host, outsider, external, assignee]) {
      const moved = dataOf(await graph.request(rescheduleMutation, { input: { calendarEntryId: entry, ...slot(21) } }, account.token));
      expectUserError(moved.rescheduleCalendarEntry, 'calendarEntry', 'CALENDAR_ENTRY_NOT_FOUND', ['input', 'calendarEntryId']);
      const gone = dataOf(await graph.request(unscheduleMutation, { input: { calendarEntryId: entry } }, account.token));
      expectUserError(gone.unscheduleCalendarEntry, 'calendarEntry', 'CALENDAR_ENTRY_NOT_FOUND', ['input', 'calendarEntryId']);
    }

    const invalid = dataOf(await graph.request(rescheduleMutation, { input: { calendarEntryId: entry, start: slot(22).end, end: slot(22).start } }, teammate.token));
    expectUserError(invalid.rescheduleCalendarEntry, 'calendarEntry', 'INVALID_INPUT', ['input', 'end']);

    const moved = dataOf(await graph.request(rescheduleMutation, { input: { calendarEntryId: entry, ...slot(22, 3) } }, teammate.token));
    expect(moved.rescheduleCalendarEntry.userErrors).toEqual([]);
    expect(moved.rescheduleCalendarEntry.calendarEntry).toMatchObject({ id: entry, ...slot(22, 3) });
    expect((await calendarOf(teammate)).find((candidate) => candidate.id === entry)).toMatchObject(slot(22, 3));

    const gone = dataOf(await graph.request(unscheduleMutation, { input: { calendarEntryId: entry } }, teammate.token));
    expect(gone.unscheduleCalendarEntry).toEqual({ calendarEntry: { id: entry }, userErrors: [] });
    expect(idsOf(await calendarOf(teammate))).not.toContain(entry);
  });

  test('deleting a private task removes its entries', async () => {
    const own = await createPrivateTask(graph, teammate.token, { title: 'Temporary' });
    const entry = await schedule(graph, teammate.token, { privateTaskId: own, ...slot(23) });
    dataOf(await graph.request(`mutation($input: PrivateTaskIdInput!) { deletePrivateTask(input: $input) { userErrors { code } } }`, { input: { privateTaskId: own } }, teammate.token));
    expect(idsOf(await calendarOf(teammate))).not.toContain(entry);
  });
});

test('statement count of myCalendar does not grow with the number of entries', async () => {
  const counted = async (perKind: number) => {
    const account = await joinWorkspace(graph, host, host.ownWorkspaceId, `Cal Counter ${perKind}`, 'MEMBER');
    await addProjectMember(graph, host.token, projectId, account.id);
    const otherProject = await createProject(graph, host.token, `Other ${perKind}`);
    await addProjectMember(graph, host.token, otherProject, account.id);
    const otherTask = await createTask(graph, host.token, { projectId: otherProject, title: 'Other task' });
    const shared = await createPrivateTask(graph, host.token, { title: 'Shared with counter' });
    await sharePrivateTask(graph, host.token, shared, account.id);
    for (let index = 0; index < perKind; index += 1) {
      const own = await createPrivateTask(graph, account.token, { title: `Own ${index}` });
      await schedule(graph, account.token, { taskId, ...slot(1 + index) });
      await schedule(graph, account.token, { taskId: otherTask, ...slot(1 + index) });
      await schedule(graph, account.token, { privateTaskId: own, ...slot(1 + index) });
      await schedule(graph, account.token, { privateTaskId: shared, ...slot(1 + index) });
    }
    const query = `query($from: DateTime!, $to: DateTime!) { myCalendar(from: $from, to: $to) { id start end task { id title status project { id name } } privateTask { id title owner { id name } } } }`;
    const { response, statements } = await countStatements(graph, query, june, account.token);
    expect(dataOf(response).myCalendar).toHaveLength(perKind * 4);
    return statements;
  };
  const few = await counted(1);
  const many = await counted(6);
  expect(many).toBe(few);
  expect(few).toBeLessThanOrEqual(10);
  console.log(`myCalendar statements: ${few} for 4 entries, ${many} for 24 entries`);
});
