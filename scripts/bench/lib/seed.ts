// Fills the benchmark database through the GraphQL API of one running target, the way clients
// would: sign-ups, workspaces, projects, tasks, invitations of external members, assignments
// and time entries. The invitation tokens come from the e-mail files that the services write,
// since no mailbox exists here.
import { call } from './client.js';

const password = 'bench password 1';
const roles = { externalCollaborator: '00000000-0000-4000-8000-000000000002', externalAssignee: '00000000-0000-4000-8000-000000000003' };
// Seven entries, so that every sixth task (the external assignee's) still gets each status in turn.
const statuses = ['TODO', 'IN_PROGRESS', 'DONE', 'TODO', 'IN_PROGRESS', 'DONE', 'CANCELLED'] as const;

/** The size of the shared project; the checks of the operations depend on these numbers. */
export const shape = {
  sharedTasks: 60,
  internalMembers: 4,
  /** Every sixth task of the shared project is assigned to the external assignee. */
  assigneeEvery: 6,
  /** Minutes of the two entries the external assignee logs on each of their tasks. */
  assigneeEntryMinutes: [60, 45],
} as const;

export interface SeededData {
  hostToken: string;
  assigneeToken: string;
  collaboratorToken: string;
  projectId: string;
  hostWorkspace: { id: string; name: string; logoUrl: string };
  assignee: { id: string; placementWorkspaceId: string };
  expected: {
    projectTasks: number;
    projectMembers: number;
    externalMembers: number;
    assigneeTasks: number;
    assigneeTimeEntries: number;
    assigneeMinutes: number;
  };
  counts: { accounts: number; workspaces: number; projects: number; tasks: number; assignments: number; timeEntries: number; requests: number };
}

interface Account {
  id: string;
  token: string;
  workspaceId: string;
}

/** Runs `jobs` with at most `width` of them at once. */
async function inBatches<T>(jobs: (() => Promise<T>)[], width = 6): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < jobs.length; start += width) results.push(...(await Promise.all(jobs.slice(start, start + width).map((job) => job()))));
  return results;
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** `findMail` returns the match of `pattern` in the newest e-mail to `recipient`, waiting for it to arrive. */
export async function seed(url: string, findMail: (recipient: string, pattern: RegExp) => Promise<RegExpExecArray | undefined>): Promise<SeededData> {
  const counts = { accounts: 0, workspaces: 0, projects: 0, tasks: 0, assignments: 0, timeEntries: 0, requests: 0 };
  const api = (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    counts.requests += 1;
    return call(url, query, variables, token);
  };

  async function signUp(name: string, email: string, workspaceName: string, invitationToken?: string): Promise<Account> {
    const data = await api(
      'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken account { id } currentWorkspace { id } userErrors { code message } } }',
      { input: { name, email, password, workspaceName, invitationToken } },
    );
    counts.accounts += 1;
    counts.workspaces += 1;
    return { id: data.signUp.account.id, token: data.signUp.accessToken, workspaceId: data.signUp.currentWorkspace.id };
  }
  async function createProject(token: string, name: string): Promise<string> {
    counts.projects += 1;
    return (await api('mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } userErrors { code message } } }', { input: { name } }, token)).createProject.project.id;
  }
  async function createTask(token: string, projectId: string, title: string, status: string, dueDate?: string): Promise<string> {
    counts.tasks += 1;
    const data = await api('mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } userErrors { code message } } }', { input: { projectId, title, status, dueDate } }, token);
    return data.createTask.task.id;
  }
  const assign = (token: string, taskId: string, accountId: string) => async () => {
    counts.assignments += 1;
    await api('mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id } userErrors { code message } } }', { input: { taskId, accountId } }, token);
  };
  const logTime = (token: string, taskId: string, entryDate: string, durationMinutes: number, note: string) => async () => {
    counts.timeEntries += 1;
    await api('mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { id } userErrors { code message } } }', { input: { taskId, entryDate, durationMinutes, note } }, token);
  };
  async function invitationToken(email: string): Promise<string> {
    const token = (await findMail(email, /\/invitations\/([A-Za-z0-9_-]{43})/))?.[1];
    if (!token) throw new Error(`No invitation e-mail to ${email} arrived within 10 seconds.`);
    return token;
  }
  const invite = (token: string, projectId: string, email: string, roleId: string) =>
    api('mutation($input: InviteExternalMemberInput!) { inviteExternalMember(input: $input) { invitation { id } userErrors { code message } } }', { input: { projectId, email, roleId } }, token);
  const accept = (token: string, invitation: string, placementWorkspaceId?: string) =>
    api('mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { placementWorkspace { id } userErrors { code message } } }', { input: { token: invitation, placementWorkspaceId } }, token);

  // The host agency, its logo, and four colleagues who each also have a workspace of their own.
  const hostWorkspace = { name: 'Harbour Studio', logoUrl: 'https://harbour.example/logo.svg' };
  const host = await signUp('Hana Harbour', 'hana@harbour.example', hostWorkspace.name);
  await api('mutation($input: SetWorkspaceLogoInput!) { setWorkspaceLogo(input: $input) { userErrors { code message } } }', { input: { workspaceId: host.workspaceId, logoUrl: hostWorkspace.logoUrl } }, host.token);
  const colleagues: Account[] = [];
  for (const name of ['Ivo', 'Jun', 'Kai', 'Lea'].slice(0, shape.internalMembers)) {
    const email = `${name.toLowerCase()}@harbour.example`;
    colleagues.push(await signUp(`${name} Harbour`, email, `${name}'s drafts`));
    await api('mutation($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { userErrors { code message } } }', { input: { workspaceId: host.workspaceId, email, role: 'MEMBER' } }, host.token);
  }

  // Two internal projects beside the shared one.
  for (const name of ['Internal tooling', 'Brand book']) {
    const projectId = await createProject(host.token, name);
    for (let index = 1; index <= 8; index += 1) await createTask(host.token, projectId, `${name} step ${index}`, statuses[index % statuses.length]!);
  }

  // The shared project with its tasks, created one after another so that their order is fixed.
  const projectId = await createProject(host.token, 'Harbour relaunch');
  for (const colleague of colleagues) {
    await api('mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { userErrors { code message } } }', { input: { projectId, accountId: colleague.id } }, host.token);
  }
  const topics = ['Sitemap', 'Wireframes', 'Copy', 'Photography', 'Accessibility review', 'Performance budget', 'Analytics', 'Launch checklist', 'SEO redirects', 'Newsletter'];
  const taskIds: string[] = [];
  for (let index = 0; index < shape.sharedTasks; index += 1) {
    const title = `${topics[index % topics.length]} ${Math.floor(index / topics.length) + 1}`;
    taskIds.push(await createTask(host.token, projectId, title, statuses[index % statuses.length]!, index % 2 === 0 ? daysAgo(-(index + 3)) : undefined));
  }

  // An external collaborator who signs up from the invitation, and an external assignee with
  // two workspaces who accepts into the second one.
  await invite(host.token, projectId, 'cleo@northwind.example', roles.externalCollaborator);
  const collaborator = await signUp('Cleo Northwind', 'cleo@northwind.example', 'Northwind Retail', await invitationToken('cleo@northwind.example'));
  await accept(collaborator.token, await invitationToken('cleo@northwind.example'));
  const assigneeAccount = await signUp('Fay Freelance', 'fay@freelance.example', 'Fay Solo');
  const studio = (await api('mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } userErrors { code message } } }', { input: { name: 'Fay Studio' } }, assigneeAccount.token)).createWorkspace.workspace.id as string;
  counts.workspaces += 1;
  await invite(host.token, projectId, 'fay@freelance.example', roles.externalAssignee);
  await accept(assigneeAccount.token, await invitationToken('fay@freelance.example'), studio);

  // Each external member also works on a project of their own workspace.
  const storeOpening = await createProject(collaborator.token, 'Store opening');
  for (let index = 1; index <= 5; index += 1) await createTask(collaborator.token, storeOpening, `Store opening ${index}`, 'TODO');
  const portfolio = await createProject(assigneeAccount.token, 'Portfolio');
  for (let index = 1; index <= 3; index += 1) await createTask(assigneeAccount.token, portfolio, `Portfolio piece ${index}`, 'IN_PROGRESS');

  // Assignments: a colleague on every task, a second one on every third, the external assignee on
  // every sixth and the collaborator on every twelfth.
  const assignments: (() => Promise<void>)[] = [];
  const assigneeTasks: string[] = [];
  taskIds.forEach((taskId, index) => {
    assignments.push(assign(host.token, taskId, colleagues[index % colleagues.length]!.id));
    if (index % 3 === 0) assignments.push(assign(host.token, taskId, colleagues[(index + 1) % colleagues.length]!.id));
    if (index % shape.assigneeEvery === 0) {
      assignments.push(assign(host.token, taskId, assigneeAccount.id));
      assigneeTasks.push(taskId);
    }
    if (index % 12 === 3) assignments.push(assign(host.token, taskId, collaborator.id));
  });
  await inBatches(assignments);

  // Time: colleagues on every other task, the assignee twice on each of their tasks, the collaborator once on theirs.
  const entries: (() => Promise<void>)[] = [];
  taskIds.forEach((taskId, index) => {
    if (index % 2 === 0) entries.push(logTime(colleagues[index % colleagues.length]!.token, taskId, daysAgo(index % 14), 30 + (index % 5) * 15, 'Work session'));
    if (index % 12 === 3) entries.push(logTime(collaborator.token, taskId, daysAgo(index % 7), 30, 'Review'));
  });
  assigneeTasks.forEach((taskId, index) => {
    shape.assigneeEntryMinutes.forEach((minutes, entry) => entries.push(logTime(assigneeAccount.token, taskId, daysAgo(index + entry), minutes, 'Freelance work')));
  });
  await inBatches(entries);

  return {
    hostToken: host.token,
    assigneeToken: assigneeAccount.token,
    collaboratorToken: collaborator.token,
    projectId,
    hostWorkspace: { id: host.workspaceId, ...hostWorkspace },
    assignee: { id: assigneeAccount.id, placementWorkspaceId: studio },
    expected: {
      projectTasks: shape.sharedTasks,
      projectMembers: 1 + colleagues.length + 2,
      externalMembers: 2,
      assigneeTasks: assigneeTasks.length,
      assigneeTimeEntries: assigneeTasks.length * shape.assigneeEntryMinutes.length,
      assigneeMinutes: assigneeTasks.length * shape.assigneeEntryMinutes.reduce((sum, minutes) => sum + minutes, 0),
    },
    counts,
  };
}
