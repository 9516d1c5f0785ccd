// Plays the external-sharing story over HTTP against a running Tandem gateway and prints each
// step; exits 1 at the first wrong response. Invitation e-mails are read from the .eml files that
// the default mail mode writes, so run it against a graph started without SMTP_URL.
//
//   npm run scenario -- [GATEWAY_URL]      (default: $TANDEM_URL or http://127.0.0.1:4000/graphql)
//   MAIL_DIR sets the folder of .eml files (default: $DATA_DIR/mail, or .data/mail).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const url = process.argv[2] ?? process.env.TANDEM_URL ?? 'http://127.0.0.1:4000/graphql';
const mailDir = process.env.MAIL_DIR ?? join(process.env.DATA_DIR ?? '.data', 'mail');
const run = Date.now().toString(36);
const password = 'scenario password 1';
const today = new Date().toISOString().slice(0, 10);

const externalCollaborator = '00000000-0000-4000-8000-000000000002';
const externalAssignee = '00000000-0000-4000-8000-000000000003';

class ScenarioFailure extends Error {}

let stepNumber = 0;
function step(description: string): void {
  stepNumber += 1;
  console.log(`${String(stepNumber).padStart(2)}. ${description}`);
}

function check(condition: unknown, message: string, detail?: unknown): asserts condition {
  if (!condition) throw new ScenarioFailure(`${message}${detail === undefined ? '' : `\n    got: ${JSON.stringify(detail)}`}`);
}

/** Sends an operation and returns its data; fails on any GraphQL error or user error. */
async function call(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  check(!body.errors, `the request failed: ${query.trim().split('\n')[0]}`, body.errors);
  for (const payload of Object.values(body.data ?? {})) {
    const userErrors = (payload as { userErrors?: unknown[] } | null)?.userErrors;
    check(!userErrors || userErrors.length === 0, `user errors from: ${query.trim().split('\n')[0]}`, userErrors);
  }
  return body.data;
}

async function signUp(name: string, email: string, workspaceName: string, invitationToken?: string) {
  const data = await call(
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken account { id } currentWorkspace { id plan } userErrors { code message } } }`,
    { input: { name, email, password, workspaceName, invitationToken } },
  );
  return { token: data.signUp.accessToken as string, id: data.signUp.account.id as string, workspaceId: data.signUp.currentWorkspace.id as string, plan: data.signUp.currentWorkspace.plan as string };
}

/** Waits up to 10 seconds for an e-mail to `email` in which `pattern` matches, newest first, and returns the match. */
async function awaitEmail(email: string, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const files = await readdir(mailDir).catch(() => [] as string[]);
    for (const file of files.filter((name) => name.endsWith('.eml')).sort().reverse()) {
      const message = await readFile(join(mailDir, file), 'utf8');
      // Quoted-printable bodies wrap long lines with "=" at the end; unwrap them first.
      const text = message.replace(/=\r?\n/g, '');
      if (!new RegExp(`^To: .*${email.replace(/[.+]/g, '\\$&')}`, 'mi').test(text)) continue;
      const match = pattern.exec(text);
      if (match) return match;
    }
    await sleep(250);
  }
  throw new ScenarioFailure(`no ${what} e-mail to ${email} appeared in ${mailDir} within 10 seconds`);
}

/** Waits for the invitation e-mail to `email` and returns the token of its accept link. */
async function invitationToken(email: string): Promise<string> {
  return (await awaitEmail(email, /\/invitations\/([A-Za-z0-9_-]{43})/, 'invitation'))[1]!;
}

async function main(): Promise<void> {
  console.log(`Scenario against ${url}, reading mail from ${mailDir}\n`);

  step('The agency admin signs up and creates a project with four tasks.');
  const agency = await signUp('Ava Agency', `ava.${run}@agency.example`, `Agency ${run}`);
  await call(`mutation($input: SetWorkspaceLogoInput!) { setWorkspaceLogo(input: $input) { userErrors { code message } } }`, { input: { workspaceId: agency.workspaceId, logoUrl: 'https://agency.example/logo.png' } }, agency.token);
  const project = (await call(`mutation { createProject(input: { name: "Brand refresh" }) { project { id } userErrors { code message } } }`, {}, agency.token)).createProject.project.id as string;
  const taskIds: string[] = [];
  for (const title of ['Moodboard', 'Logo sketches', 'Colour palette', 'Typography']) {
    const data = await call(`mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } userErrors { code message } } }`, { input: { projectId: project, title } }, agency.token);
    taskIds.push(data.createTask.task.id);
  }

  step('The agency invites a client who has no account.');
  const clientEmail = `cleo.${run}@client.example`;
  const invite = `mutation($input: InviteExternalMemberInput!) { inviteExternalMember(input: $input) { invitation { id status } userErrors { code message } } }`;
  await call(invite, { input: { projectId: project, email: clientEmail, roleId: externalCollaborator } }, agency.token);

  step('The client reads the e-mail, opens the invitation and signs up with a new workspace.');
  const clientToken = await invitationToken(clientEmail);
  const preview = (await call(`query($token: String!) { invitationPreview(token: $token) { projectName hostWorkspaceName hostWorkspaceLogoUrl inviterName emailHasAccount } }`, { token: clientToken })).invitationPreview;
  check(preview.projectName === 'Brand refresh' && preview.hostWorkspaceName === `Agency ${run}` && preview.inviterName === 'Ava Agency' && preview.emailHasAccount === false, 'the preview shows the wrong invitation', preview);
  const client = await signUp('Cleo Client', clientEmail, `Client ${run}`, clientToken);
  check(client.plan === 'BASIC_CONNECT', 'the client workspace is not on Basic Connect', client.plan);
  const acceptClient = await call(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { placementWorkspace { id } userErrors { code message } } }`, { input: { token: clientToken } }, client.token);
  check(acceptClient.acceptInvitation.placementWorkspace.id === client.workspaceId, 'the client project is placed in the wrong workspace', acceptClient);

  step('A freelancer with two workspaces accepts into the second one, on the assigned-only role.');
  const freelancerEmail = `fred.${run}@freelance.example`;
  const freelancer = await signUp('Fred Freelancer', freelancerEmail, `Fred Solo ${run}`);
  const studio = (await call(`mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } userErrors { code message } } }`, { input: { name: `Fred Studio ${run}` } }, freelancer.token)).createWorkspace.workspace.id as string;
  await call(invite, { input: { projectId: project, email: freelancerEmail, roleId: externalAssignee } }, agency.token);
  const freelancerToken = await invitationToken(freelancerEmail);
  await call(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { project { id } userErrors { code message } } }`, { input: { token: freelancerToken, placementWorkspaceId: studio } }, freelancer.token);

  step('The agency assigns a task to each of them.');
  const assign = `mutation($input: TaskAssigneeInput!) { assignTask(input: $input) { task { id } userErrors { code message } } }`;
  await call(assign, { input: { taskId: taskIds[0], accountId: client.id } }, agency.token);
  await call(assign, { input: { taskId: taskIds[1], accountId: freelancer.id } }, agency.token);

  step("Each external sees the project among their external projects, with the agency's name and logo.");
  const externalProjects = `{ viewer { workspaces { id externalProjects { id hostWorkspace { name logoUrl } } } } }`;
  for (const [who, account, placement] of [['client', client, client.workspaceId], ['freelancer', freelancer, studio]] as const) {
    const data = await call(externalProjects, {}, account.token);
    const placed = (data.viewer.workspaces as { id: string; externalProjects: { id: string; hostWorkspace: { name: string; logoUrl: string } }[] }[]).find((workspace) => workspace.id === placement);
    check(placed?.externalProjects.length === 1 && placed.externalProjects[0]!.id === project, `the ${who} does not see the project among external projects`, data);
    check(placed.externalProjects[0]!.hostWorkspace.name === `Agency ${run}` && placed.externalProjects[0]!.hostWorkspace.logoUrl === 'https://agency.example/logo.png', `the ${who} sees the wrong host name or logo`, placed);
  }

  step('The freelancer sees only their own task, and nothing of an unassigned one.');
  const visible = await call(`query($id: ID!) { project(id: $id) { tasks { totalCount nodes { id } } } }`, { id: project }, freelancer.token);
  check(visible.project.tasks.totalCount === 1 && visible.project.tasks.nodes[0].id === taskIds[1], 'the freelancer sees other tasks', visible);
  const hidden = await call(`query($id: ID!) { task(id: $id) { id title } }`, { id: taskIds[2] }, freelancer.token);
  check(hidden.task === null, 'the freelancer reads an unassigned task by id', hidden);

  step('Both track time on their tasks.');
  const logTime = `mutation($input: LogTimeInput!) { logTime(input: $input) { timeEntry { id } userErrors { code message } } }`;
  await call(logTime, { input: { taskId: taskIds[0], entryDate: today, durationMinutes: 45, note: 'Review call' } }, client.token);
  await call(logTime, { input: { taskId: taskIds[1], entryDate: today, durationMinutes: 90, note: 'First sketches' } }, freelancer.token);

  step('The agency sees all time on the project.');
  const agencyTime = await call(`query($id: ID!) { project(id: $id) { timeEntries { totalCount nodes { durationMinutes account { id } } } } }`, { id: project }, agency.token);
  check(agencyTime.project.timeEntries.totalCount === 2, 'the agency does not see both time entries', agencyTime);

  step('Each external sees only their own entries among their times, owned by the agency.');
  for (const [who, account, minutes] of [['client', client, 45], ['freelancer', freelancer, 90]] as const) {
    const mine = await call(`{ myTimeEntries { totalCount nodes { durationMinutes ownerWorkspace { id } project { id } } } }`, {}, account.token);
    check(mine.myTimeEntries.totalCount === 1, `the ${who} sees other people's time`, mine);
    const [entry] = mine.myTimeEntries.nodes;
    check(entry.durationMinutes === minutes && entry.ownerWorkspace.id === agency.workspaceId && entry.project.id === project, `the ${who}'s entry is wrong`, entry);
  }

  step('An agency colleague joins the project.');
  const colleagueEmail = `ben.${run}@agency.example`;
  const colleague = await signUp('Ben Colleague', colleagueEmail, `Ben ${run}`);
  await call(`mutation($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { userErrors { code message } } }`, { input: { workspaceId: agency.workspaceId, email: colleagueEmail, role: 'MEMBER' } }, agency.token);
  await call(`mutation($input: ProjectMemberInput!) { addProjectMember(input: $input) { userErrors { code message } } }`, { input: { projectId: project, accountId: colleague.id } }, agency.token);

  step('The client comments on their task and mentions the colleague, who is notified in the app and by e-mail.');
  const createComment = `mutation($input: CreateCommentInput!) { createComment(input: $input) { comment { id } userErrors { code message } } }`;
  const clientComment = (await call(createComment, { input: { taskId: taskIds[0], body: 'Ben, can you check the moodboard?', mentionAccountIds: [colleague.id] } }, client.token)).createComment.comment.id as string;
  const inbox = await call(`{ notifications(unreadOnly: true) { unreadCount nodes { kind actor { id } comment { id } } } }`, {}, colleague.token);
  const mention = inbox.notifications.nodes.find((node: { comment: { id: string } | null }) => node.comment?.id === clientComment);
  check(mention?.kind === 'MENTIONED' && mention.actor.id === client.id && inbox.notifications.unreadCount >= 1, 'the colleague was not notified of the mention', inbox);
  await awaitEmail(colleagueEmail, /^Cleo Client mentioned you in a comment on "Moodboard"\./m, 'mention');

  step('The colleague writes an internal comment on the freelancer\'s task; neither external sees it anywhere.');
  const internal = (await call(createComment, { input: { taskId: taskIds[1], body: 'Internal: budget for this task is nearly spent.', isInternal: true } }, colleague.token)).createComment.comment.id as string;
  for (const [who, account] of [['client', client], ['freelancer', freelancer]] as const) {
    const seen = await call(
      `query($task: ID!, $project: ID!) {
        task(id: $task) { comments { totalCount nodes { id } } activity { nodes { comment { id } } } }
        project(id: $project) { activity(first: 100) { nodes { comment { id } } } }
        notifications { nodes { comment { id } } }
      }`,
      { task: taskIds[1], project },
      account.token,
    );
    const ids = JSON.stringify(seen);
    check(!ids.includes(internal), `the ${who} sees the internal comment`, seen);
  }

  step('The freelancer plans their task in their own calendar; the agency sees no change.');
  const taskBefore = (await call(`query($id: ID!) { task(id: $id) { dueDate updatedAt } }`, { id: taskIds[1] }, agency.token)).task;
  const start = `${today}T09:00:00.000Z`;
  const end = `${today}T11:00:00.000Z`;
  await call(`mutation($input: ScheduleTaskInput!) { scheduleTask(input: $input) { calendarEntry { id } userErrors { code message } } }`, { input: { taskId: taskIds[1], start, end } }, freelancer.token);
  const day = { from: `${today}T00:00:00.000Z`, to: `${today}T23:59:59.000Z` };
  const calendar = (account: { token: string }) => call(`query($from: DateTime!, $to: DateTime!) { myCalendar(from: $from, to: $to) { task { id } } }`, day, account.token);
  const planned = await calendar(freelancer);
  check(planned.myCalendar.some((entry: { task: { id: string } | null }) => entry.task?.id === taskIds[1]), 'the freelancer does not see the plan in their calendar', planned);
  const agencyCalendar = await calendar(agency);
  check(agencyCalendar.myCalendar.length === 0, 'the plan shows in the agency calendar', agencyCalendar);
  const taskAfter = (await call(`query($id: ID!) { task(id: $id) { dueDate updatedAt } }`, { id: taskIds[1] }, agency.token)).task;
  check(JSON.stringify(taskAfter) === JSON.stringify(taskBefore), 'planning changed the task for the agency', { taskBefore, taskAfter });

  step('The agency switches external invitations off; a new invitation is rejected.');
  await call(`mutation($input: SetExternalInvitationsEnabledInput!) { setExternalInvitationsEnabled(input: $input) { userErrors { code message } } }`, { input: { workspaceId: agency.workspaceId, enabled: false } }, agency.token);
  const rejected = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agency.token}` },
    body: JSON.stringify({ query: invite, variables: { input: { projectId: project, email: `late.${run}@other.example`, roleId: externalCollaborator } } }),
  }).then((response) => response.json() as Promise<any>);
  check(rejected.data?.inviteExternalMember?.userErrors?.[0]?.code === 'EXTERNAL_INVITATIONS_DISABLED', 'the invitation was not rejected', rejected);

  step('Both externals keep working in the project.');
  for (const [who, account] of [['client', client], ['freelancer', freelancer]] as const) {
    const data = await call(`query($id: ID!) { project(id: $id) { name } }`, { id: project }, account.token);
    check(data.project?.name === 'Brand refresh', `the ${who} lost access`, data);
  }

  console.log(`\nScenario passed: ${stepNumber} steps.`);
}

main().catch((error: unknown) => {
  if (error instanceof ScenarioFailure) {
    console.error(`\nStep ${stepNumber} failed: ${error.message}`);
  } else {
    console.error(`\nStep ${stepNumber} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
