import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtInRoleIds } from '../db/sharing/schema.js';
import { addProjectMember, addWorkspaceMember, assignTask, countStatements, createProject, createTasks, dataOf, signUp, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';
import { addExternalMember, logTime } from './time-builders.js';

// Some list statements also read what the request needs next. Task lists and the viewer's time
// entries read their totals and the viewer's assignments, and entries read their tasks. Project
// members come with their roles, and the viewer's memberships with their workspaces. Selecting
// those fields adds no statement, and the count of statements does not grow with the rows.

let graph: TestGraph;
let host: TestAccount;

beforeAll(async () => {
  graph = await startTestGraph();
  host = await signUp(graph, 'Hana Host');
});

afterAll(async () => {
  await graph?.close();
});

/** Creates a project of the host's workspace with `taskCount` tasks and an external assignee, who gets the first `assigned` tasks. */
async function projectWithAssignee(name: string, taskCount: number, assigned: number) {
  const projectId = await createProject(graph, host.token, name);
  const assignee = await signUp(graph, `${name} Assignee`);
  await addExternalMember(graph, projectId, assignee, host, builtInRoleIds.externalAssignee);
  const taskIds = await createTasks(graph, host.token, projectId, taskCount, name);
  for (const taskId of taskIds.slice(0, assigned)) await assignTask(graph, host.token, taskId, assignee.id);
  return { projectId, assignee, taskIds };
}

describe('task lists', () => {
  const withTotal = `query($id: ID!, $after: String) {
    project(id: $id) { tasks(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id title } } }
  }`;
  const withoutTotal = `query($id: ID!, $after: String) {
    project(id: $id) { tasks(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { id title } } }
  }`;
  const throughFragment = `query($id: ID!) {
    project(id: $id) { tasks(first: 2) { ...Counted } }
  }
  fragment Counted on TaskConnection { ... on TaskConnection { totalCount } }`;

  test('totalCount adds no statement', async () => {
    const { projectId, assignee, taskIds } = await projectWithAssignee('Counted', 7, 3);

    for (const [viewer, expectedTotal] of [
      [host, 7],
      [assignee, 3],
    ] as const) {
      const first = await countStatements(graph, withTotal, { id: projectId }, viewer.token);
      const page = dataOf(first.response).project.tasks;
      expect(page.totalCount).toBe(expectedTotal);
      expect(page.nodes).toHaveLength(2);
      // A later page still counts the whole list.
      const second = dataOf(await graph.request(withTotal, { id: projectId, after: page.pageInfo.endCursor }, viewer.token)).project.tasks;
      expect(second.totalCount).toBe(expectedTotal);
      expect(second.nodes).toHaveLength(expectedTotal === 3 ? 1 : 2);

      const plain = await countStatements(graph, withoutTotal, { id: projectId }, viewer.token);
      expect(first.statements).toBe(plain.statements);
      const fragment = await countStatements(graph, throughFragment, { id: projectId }, viewer.token);
      expect(dataOf(fragment.response).project.tasks.totalCount).toBe(expectedTotal);
      expect(fragment.statements).toBeLessThanOrEqual(plain.statements);
    }

    // The assignee gets exactly the tasks assigned to them, in order.
    const assigneeNodes = dataOf(await graph.request(`query($id: ID!) { project(id: $id) { tasks(first: 50) { nodes { id } } } }`, { id: projectId }, assignee.token)).project.tasks.nodes;
    expect(assigneeNodes.map((node: { id: string }) => node.id)).toEqual(taskIds.slice(0, 3));
  });

  test('assignees add no statement', async () => {
    const { projectId, assignee, taskIds } = await projectWithAssignee('Staffed', 3, 2);
    const colleague = await signUp(graph, 'Staffed Colleague');
    await addWorkspaceMember(graph, host.token, host.ownWorkspaceId, colleague, 'MEMBER');
    await addProjectMember(graph, host.token, projectId, colleague.id);
    await assignTask(graph, host.token, taskIds[0]!, colleague.id);
    const withAssignees = `query($id: ID!) {
      project(id: $id) { tasks(first: 10) { nodes { id assignees { id } } edges { node { assignments { account { id } assignedAt } } } } }
    }`;
    const bare = `query($id: ID!) { project(id: $id) { tasks(first: 10) { nodes { id } } } }`;

    const run = await countStatements(graph, withAssignees, { id: projectId }, host.token);
    const tasks = dataOf(run.response).project.tasks;
    // In the order of assignment: the assignee first, then the colleague.
    expect(tasks.nodes.map((node: { assignees: { id: string }[] }) => node.assignees.map((account) => account.id))).toEqual([[assignee.id, colleague.id], [assignee.id], []]);
    const firstAssignments = tasks.edges[0].node.assignments;
    expect(firstAssignments.map((assignment: { account: { id: string } }) => assignment.account.id)).toEqual([assignee.id, colleague.id]);
    for (const assignment of firstAssignments) expect(Number.isNaN(Date.parse(assignment.assignedAt))).toBe(false);

    const plain = await countStatements(graph, bare, { id: projectId }, host.token);
    expect(run.statements).toBe(plain.statements);
  });

  test('assigned-only statements stay constant', async () => {
    const query = `query($id: ID!) {
      project(id: $id) { tasks(first: 50) { totalCount nodes { id title status assignees { id } } } }
    }`;
    const counts: Record<number, number> = {};
    for (const assigned of [2, 12]) {
      const { projectId, assignee } = await projectWithAssignee(`Assigned ${assigned}`, assigned + 3, assigned);
      const { response, statements } = await countStatements(graph, query, { id: projectId }, assignee.token);
      const tasks = dataOf(response).project.tasks;
      expect(tasks.totalCount).toBe(assigned);
      expect(tasks.nodes).toHaveLength(assigned);
      for (const node of tasks.nodes) expect(node.assignees).toEqual([{ id: assignee.id }]);
      counts[assigned] = statements;
    }
    expect(counts[12]).toBe(counts[2]);
  });
});

describe("the viewer's time entries", () => {
  const rich = `query($after: String) {
    myTimeEntries(first: 3, after: $after) { totalCount pageInfo { endCursor } nodes { id durationMinutes task { id title project { id } } } }
  }`;
  const bare = `query { myTimeEntries(first: 3) { nodes { id durationMinutes } } }`;

  test('totalCount and tasks add no statement', async () => {
    const { projectId, assignee, taskIds } = await projectWithAssignee('Logged', 4, 2);
    // Two entries on each assigned task, then the assignee is taken off one of them: entries on
    // that task leave the assignee's list, because their role shows only assigned tasks.
    for (const taskId of taskIds.slice(0, 2)) {
      for (const day of ['2026-09-01', '2026-09-02']) await logTime(graph, host.token, { taskId, accountId: assignee.id, entryDate: day, durationMinutes: 15 });
    }
    const unassign = dataOf(
      await graph.request(
        `mutation($input: TaskAssigneeInput!) { unassignTask(input: $input) { userErrors { code } } }`,
        { input: { taskId: taskIds[1], accountId: assignee.id } },
        host.token,
      ),
    );
    expect(unassign.unassignTask.userErrors).toEqual([]);

    const run = await countStatements(graph, rich, {}, assignee.token);
    const entries = dataOf(run.response).myTimeEntries;
    expect(entries.totalCount).toBe(2);
    expect(entries.nodes).toHaveLength(2);
    for (const node of entries.nodes) expect(node.task).toEqual({ id: taskIds[0], title: 'Logged 1', project: { id: projectId } });
    const later = dataOf(await graph.request(rich, { after: entries.pageInfo.endCursor }, assignee.token)).myTimeEntries;
    expect(later).toMatchObject({ totalCount: 2, nodes: [] });

    const plain = await countStatements(graph, bare, {}, assignee.token);
    expect(run.statements).toBe(plain.statements);
  });

  test('statements stay constant with entries', async () => {
    const counts: Record<number, number> = {};
    for (const size of [2, 9]) {
      const { assignee, taskIds } = await projectWithAssignee(`Entries ${size}`, size, size);
      for (const [index, taskId] of taskIds.entries()) {
        await logTime(graph, host.token, { taskId, accountId: assignee.id, entryDate: `2026-08-${String(index + 1).padStart(2, '0')}`, durationMinutes: 5 });
      }
      const query = `query { myTimeEntries(first: 50) { totalCount nodes { id task { id title } } } }`;
      const { response, statements } = await countStatements(graph, query, {}, assignee.token);
      const entries = dataOf(response).myTimeEntries;
      expect(entries.totalCount).toBe(size);
      expect(entries.nodes).toHaveLength(size);
      counts[size] = statements;
    }
    expect(counts[9]).toBe(counts[2]);
  });
});

describe('members and workspaces', () => {
  test('roles and workspaces stay constant', async () => {
    const query = `query($id: ID!) {
      viewer { workspaces { id name } }
      project(id: $id) { viewerRole { id } members { account { id } role { id name } } }
    }`;
    const counts: Record<number, number> = {};
    for (const size of [1, 4]) {
      const admin = await signUp(graph, `Admin ${size}`);
      const projectId = await createProject(graph, admin.token, `Team ${size}`);
      const workspaceIds = [admin.ownWorkspaceId];
      for (let index = 0; index < size; index += 1) {
        const other = await signUp(graph, `Other ${size}.${index}`);
        await addWorkspaceMember(graph, other.token, other.ownWorkspaceId, admin, 'MEMBER');
        workspaceIds.push(other.ownWorkspaceId);
        await addExternalMember(graph, projectId, other, admin, index % 2 === 0 ? builtInRoleIds.externalAssignee : builtInRoleIds.externalCollaborator);
      }
      const { response, statements } = await countStatements(graph, query, { id: projectId }, admin.token);
      const data = dataOf(response);
      // In the order the admin joined them.
      expect(data.viewer.workspaces.map((workspace: { id: string }) => workspace.id)).toEqual(workspaceIds);
      expect(data.project.members).toHaveLength(size + 1);
      const roleIds = new Set(data.project.members.map((member: { role: { id: string } }) => member.role.id));
      expect(roleIds.has(builtInRoleIds.externalAssignee)).toBe(true);
      expect(data.project.viewerRole).not.toBeNull();
      counts[size] = statements;
    }
    expect(counts[4]).toBe(counts[1]);
  });
});
