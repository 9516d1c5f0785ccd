import { expect } from 'vitest';
import { assignTask, archiveProject, createProject, createTasks, dataOf, signUp, type TestAccount } from '../builders.js';
import type { TestGraph } from '../harness.js';
import { accept, invite, roles } from '../sharing-builders.js';
import { logTime } from '../time-builders.js';
import type { ArgumentPools, IdKind } from './generator.js';

/** What one external caller may see. Anything else of the seed must stay out of their responses. */
export interface CallerView {
  label: string;
  account: TestAccount;
  projects: Set<string>;
  tasks: Set<string>;
  timeEntries: Set<string>;
  /** Their own workspaces, the host workspaces of their projects, and the home workspaces of those projects' members. */
  workspaces: Set<string>;
  invitations: Set<string>;
  /** Comments on what they see, never internal ones. */
  comments: Set<string>;
}

/** Every seeded ID by kind, the callers' views, and the invitation tokens. */
export interface SeededWorld {
  ids: Record<IdKind, Set<string>>;
  collaborator: CallerView;
  assignee: CallerView;
  pools: ArgumentPools;
}

/** A seeded project with its host, tasks and members (account id → home workspace id). */
interface SeededProject {
  id: string;
  hostWorkspaceId: string;
  tasks: string[];
  members: Map<string, string>;
}

const removeMemberMutation = `mutation($input: ProjectMemberInput!) { removeProjectMember(input: $input) { project { id } userErrors { code field message } } }`;
const unassignMutation = `mutation($input: TaskAssigneeInput!) { unassignTask(input: $input) { task { id } userErrors { code field message } } }`;
const commentMutation = `mutation($input: CreateCommentInput!) { createComment(input: $input) { comment { id } userErrors { code field message } } }`;
const revokeMutation = `mutation($input: InvitationIdInput!) { revokeInvitation(input: $input) { invitation { id } userErrors { code field message } } }`;

/**
 * Seeds three host workspaces with several projects each, tasks, assignments, time entries and
 * invitations, and two external members:
 * - the collaborator has the role External collaborator in projects A and A2 (archived) of workspace 1,
 *   was removed from project B of workspace 1 after logging time there, and has one project of
 *   their own; a pending invitation to project D of workspace 2 waits for them;
 * - the assignee has the role External assignee in project C of workspace 2, is assigned to some of its
 *   tasks, and was unassigned from one after logging time on it.
 * The admin of workspace 3 is also an external assignee of project A, so A has two externals.
 */
export async function seedWorld(graph: TestGraph): Promise<SeededWorld> {
  const ids: Record<IdKind, Set<string>> = {
    project: new Set(),
    task: new Set(),
    timeEntry: new Set(),
    workspace: new Set(),
    account: new Set(),
    invitation: new Set(),
    role: new Set(Object.values(roles)),
    comment: new Set(),
    notification: new Set(),
  };
  const tokens: string[] = [];

  const hosts: TestAccount[] = [];
  for (const name of ['Host One', 'Host Two', 'Host Three']) hosts.push(await signUp(graph, name));
  const [host1, host2, host3] = hosts as [TestAccount, TestAccount, TestAccount];
  const collaborator = await signUp(graph, 'Xena Collaborator');
  const assignee = await signUp(graph, 'Yuri Assignee');
  for (const account of [...hosts, collaborator, assignee]) {
    ids.account.add(account.id);
    ids.workspace.add(account.ownWorkspaceId);
  }

  async function project(owner: TestAccount, name: string, taskCount: number): Promise<SeededProject> {
    const id = await createProject(graph, owner.token, name);
    const tasks = await createTasks(graph, owner.token, id, taskCount, name);
    ids.project.add(id);
    for (const task of tasks) ids.task.add(task);
    return { id, hostWorkspaceId: owner.ownWorkspaceId, tasks, members: new Map([[owner.id, owner.ownWorkspaceId]]) };
  }
  async function join(target: SeededProject, owner: TestAccount, account: TestAccount, roleId: string): Promise<void> {
    const sent = await invite(graph, owner.token, target.id, account.email, roleId);
    ids.invitation.add(sent.invitationId);
    tokens.push(sent.token);
    target.members.set(account.id, await accept(graph, account, sent.token));
  }
  async function comment(account: TestAccount, target: { projectId: string } | { taskId: string }, isInternal = false, mentionAccountIds: string[] = []): Promise<string> {
    const data = dataOf(await graph.request(commentMutation, { input: { ...target, body: `seed comment ${ids.comment.size}`, isInternal, mentionAccountIds } }, account.token));
    expect(data.createComment.userErrors).toEqual([]);
    ids.comment.add(data.createComment.comment.id);
    return data.createComment.comment.id;
  }
  async function time(account: TestAccount, taskId: string, day: string): Promise<string> {
    const id = await logTime(graph, account.token, { taskId, entryDate: day, durationMinutes: 45, note: `seed ${day}` });
    ids.timeEntry.add(id);
    return id;
  }

  const a = await project(host1, 'Alpha', 3);
  const a2 = await project(host1, 'Alpha archive', 2);
  const b = await project(host1, 'Bravo', 3);
  const c = await project(host2, 'Charlie', 5);
  const d = await project(host2, 'Delta', 2);
  const e = await project(host3, 'Echo', 2);
  const f = await project(host3, 'Foxtrot', 2);
  const own = await project(collaborator, 'Xena own', 2);

  await join(a, host1, collaborator, roles.externalCollaborator);
  await join(a2, host1, collaborator, roles.externalCollaborator);
  await join(b, host1, collaborator, roles.externalCollaborator);
  await join(a, host1, host3, roles.externalAssignee);
  await join(c, host2, assignee, roles.externalAssignee);

  // Invitations that stay unaccepted: open ones, one for the collaborator, and a revoked one.
  for (const [target, owner, email] of [
    [b, host1, 'pending.bravo@elsewhere.example'],
    [c, host2, 'pending.charlie@elsewhere.example'],
    [d, host2, collaborator.email],
    [e, host3, 'revoked.echo@elsewhere.example'],
  ] as const) {
    const sent = await invite(graph, owner.token, target.id, email, roles.externalCollaborator);
    ids.invitation.add(sent.invitationId);
    tokens.push(sent.token);
    if (email.startsWith('revoked')) {
      expect(dataOf(await graph.request(revokeMutation, { input: { invitationId: sent.invitationId } }, owner.token)).revokeInvitation.userErrors).toEqual([]);
    }
  }

  const [a1, a2Task, a3] = a.tasks as [string, string, string];
  const [c1, c2, c3, , c5] = c.tasks as [string, string, string, string, string];
  await assignTask(graph, host1.token, a1, collaborator.id);
  await assignTask(graph, host1.token, a2Task, host3.id);
  await assignTask(graph, host2.token, c1, assignee.id);
  await assignTask(graph, host2.token, c2, assignee.id);
  await assignTask(graph, host2.token, c2, host2.id);
  await assignTask(graph, host2.token, c3, host2.id);
  await assignTask(graph, host2.token, c5, assignee.id);

  const collaboratorEntries = [
    await time(collaborator, a1, '2026-03-02'),
    await time(collaborator, a3, '2026-03-03'),
    await time(collaborator, a2.tasks[0]!, '2026-03-04'),
    await time(collaborator, own.tasks[0]!, '2026-03-05'),
  ];
  const assigneeEntries = [await time(assignee, c1, '2026-03-02'), await time(assignee, c2, '2026-03-03')];
  // Entries that must stay hidden from the externals: others' time on tasks they see, their
  // own time on a task or project they lost, and time in projects they never joined.
  await time(collaborator, b.tasks[0]!, '2026-03-06');
  await time(assignee, c5, '2026-03-06');
  await time(host1, a1, '2026-03-02');
  await time(host3, a2Task, '2026-03-02');
  await time(host1, a2.tasks[1]!, '2026-03-02');
  await time(host1, b.tasks[1]!, '2026-03-02');
  await time(host2, c1, '2026-03-02');
  await time(host2, c3, '2026-03-02');
  await time(host2, d.tasks[0]!, '2026-03-02');
  await time(host3, e.tasks[0]!, '2026-03-02');
  await time(host3, f.tasks[1]!, '2026-03-02');

  // Comments, public and internal, on what each external may see and on what they must not see. The
  // mentions and assignments above also fill the externals' notifications and the histories.
  const collaboratorComments = [
    await comment(host1, { projectId: a.id }, false, [collaborator.id]),
    await comment(host1, { taskId: a1 }),
    await comment(collaborator, { taskId: a3 }),
    await comment(collaborator, { projectId: own.id }),
  ];
  const assigneeComments = [await comment(host2, { projectId: c.id }, false, [assignee.id]), await comment(host2, { taskId: c1 }), await comment(assignee, { taskId: c2 })];
  await comment(host1, { projectId: a.id }, true);
  await comment(host1, { taskId: a1 }, true);
  await comment(host2, { taskId: c1 }, true);
  await comment(host2, { taskId: c3 });
  await comment(host2, { taskId: c5 }, false, [assignee.id]);
  await comment(collaborator, { taskId: b.tasks[0]! });
  await comment(host1, { projectId: b.id }, false, [collaborator.id]);
  await comment(host3, { projectId: e.id });

  expect(dataOf(await graph.request(removeMemberMutation, { input: { projectId: b.id, accountId: collaborator.id } }, host1.token)).removeProjectMember.userErrors).toEqual([]);
  b.members.delete(collaborator.id);
  expect(dataOf(await graph.request(unassignMutation, { input: { taskId: c5, accountId: assignee.id } }, host2.token)).unassignTask.userErrors).toEqual([]);
  await archiveProject(graph, host1.token, a2.id);

  function view(label: string, account: TestAccount, projects: SeededProject[], tasks: string[], timeEntries: string[], comments: string[]): CallerView {
    const workspaces = new Set([account.ownWorkspaceId]);
    for (const seen of projects) {
      workspaces.add(seen.hostWorkspaceId);
      for (const home of seen.members.values()) workspaces.add(home);
    }
    return { label, account, projects: new Set(projects.map((seen) => seen.id)), tasks: new Set(tasks), timeEntries: new Set(timeEntries), workspaces, invitations: new Set(), comments: new Set(comments) };
  }

  const garbageTokens = ['A'.repeat(43), 'not-a-token'];
  return {
    ids,
    collaborator: view('External collaborator', collaborator, [a, a2, own], [...a.tasks, ...a2.tasks, ...own.tasks], collaboratorEntries, collaboratorComments),
    assignee: view('External assignee', assignee, [c], [c1, c2], assigneeEntries, assigneeComments),
    pools: {
      ids: Object.fromEntries(Object.entries(ids).map(([kind, set]) => [kind, [...set, 'not-a-uuid']])) as Record<IdKind, string[]>,
      invitationTokens: [...tokens, ...garbageTokens],
    },
  };
}
