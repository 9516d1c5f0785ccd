import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { accounts, workspaceMembers, workspaces } from '../db/identity/schema.js';
import { builtInRoleIds, invitations, projectMembers, projects } from '../db/sharing/schema.js';
import { activityEvents, commentMentions, comments, notifications, taskAssignees, taskFollows, tasks, timeEntries } from '../db/work/schema.js';
import { createInvitationToken } from '../subgraphs/common/invitation-token.js';
import { hashPassword } from '../subgraphs/identity/auth/password.js';

/** The demo sign-ins that `npm start` prints, with what each person is. */
export const demoPassword = 'tandem-demo-password';
export const demoAccounts = [
  { name: 'Alice Host', email: 'alice@acme.example', role: 'admin of the agency workspace Acme' },
  { name: 'Bob Member', email: 'bob@acme.example', role: 'member of Acme' },
  { name: 'Cleo Client', email: 'cleo@northwind.example', role: 'external collaborator, project placed in Northwind' },
  { name: 'Fred Freelancer', email: 'fred@freelance.example', role: 'external assignee with two workspaces, project placed in Fred Studio' },
] as const;

const demoTasks = [
  { title: 'Draft the launch plan', status: 'in_progress', dueDate: '2027-01-15' },
  { title: 'Review the contract with the agency', status: 'todo', dueDate: '2027-01-20' },
  { title: 'Collect logo variants', status: 'done', dueDate: null },
  { title: 'Book the kick-off meeting', status: 'todo', dueDate: '2027-01-08' },
] as const;

/** Tells whether the demo accounts exist, so their sign-ins are worth printing. */
export async function hasDemoData(db: Database): Promise<boolean> {
  const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, demoAccounts[0].email));
  return existing !== undefined;
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const dateOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Loads the demo once: the agency Acme shares "Website relaunch" with a client and a
 * freelancer from their own workspaces, with assigned tasks, tracked time, comments (one of them
 * internal), the history of it all, and Bob's unread mention. Does nothing
 * when Alice's account exists, so restarts keep whatever the user changed.
 */
export async function loadDemoData(db: Database): Promise<'loaded' | 'present'> {
  if (await hasDemoData(db)) return 'present';

  const passwordHash = await hashPassword(demoPassword);
  await db.transaction(async (tx) => {
    const [alice, bob, cleo, fred] = await tx
      .insert(accounts)
      .values(demoAccounts.map(({ name, email }) => ({ name, email, passwordHash })))
      .returning({ id: accounts.id });
    const [acme, northwind, fredSolo, fredStudio] = await tx
      .insert(workspaces)
      .values([
        { name: 'Acme', plan: 'business', logoUrl: 'https://acme.example/logo.png', createdBy: alice!.id },
        { name: 'Northwind', plan: 'basic_connect', createdBy: cleo!.id },
        { name: 'Fred Solo', plan: 'trial', createdBy: fred!.id },
        { name: 'Fred Studio', plan: 'basic', createdBy: fred!.id },
      ])
      .returning({ id: workspaces.id });
    await tx.insert(workspaceMembers).values([
      { workspaceId: acme!.id, accountId: alice!.id, role: 'admin' },
      { workspaceId: acme!.id, accountId: bob!.id, role: 'member' },
      { workspaceId: northwind!.id, accountId: cleo!.id, role: 'admin' },
      { workspaceId: fredSolo!.id, accountId: fred!.id, role: 'admin' },
      { workspaceId: fredStudio!.id, accountId: fred!.id, role: 'admin' },
    ]);
    for (const [account, workspace] of [[alice, acme], [bob, acme], [cleo, northwind], [fred, fredStudio]] as const) {
      await tx.update(accounts).set({ lastWorkspaceId: workspace!.id }).where(eq(accounts.id, account!.id));
    }

    const [project] = await tx.insert(projects).values({ workspaceId: acme!.id, name: 'Website relaunch', createdBy: alice!.id }).returning({ id: projects.id });
    await tx.insert(projectMembers).values([
      { projectId: project!.id, accountId: alice!.id, roleId: builtInRoleIds.editor, addedBy: alice!.id },
      { projectId: project!.id, accountId: bob!.id, roleId: builtInRoleIds.editor, addedBy: alice!.id },
      { projectId: project!.id, accountId: cleo!.id, roleId: builtInRoleIds.externalCollaborator, isExternal: true, placementWorkspaceId: northwind!.id, addedBy: alice!.id },
      { projectId: project!.id, accountId: fred!.id, roleId: builtInRoleIds.externalAssignee, isExternal: true, placementWorkspaceId: fredStudio!.id, addedBy: alice!.id },
    ]);
    // The accepted invitations that brought Cleo and Fred in; their tokens are spent.
    await tx.insert(invitations).values(
      [
        [cleo, 'cleo@northwind.example', builtInRoleIds.externalCollaborator],
        [fred, 'fred@freelance.example', builtInRoleIds.externalAssignee],
      ].map(([account, email, roleId]) => ({
        projectId: project!.id,
        email: email as string,
        roleId: roleId as string,
        tokenHash: createInvitationToken().tokenHash,
        invitedBy: alice!.id,
        expiresAt: daysAgo(-12),
        lastSentAt: daysAgo(2),
        acceptedAt: daysAgo(1),
        acceptedBy: (account as { id: string }).id,
      })),
    );

    const created = await tx
      .insert(tasks)
      .values(demoTasks.map((task) => ({ ...task, projectId: project!.id, createdBy: alice!.id })))
      .returning({ id: tasks.id });
    const assignees = [alice, cleo, fred, bob];
    await tx.insert(taskAssignees).values(created.map((task, index) => ({ taskId: task.id, accountId: assignees[index]!.id, assignedBy: alice!.id })));
    const entries = await tx
      .insert(timeEntries)
      .values([
        { taskId: created[0]!.id, projectId: project!.id, accountId: alice!.id, entryDate: dateOf(daysAgo(1)), durationMinutes: 60, note: 'Outline', createdBy: alice!.id },
        { taskId: created[1]!.id, projectId: project!.id, accountId: cleo!.id, entryDate: dateOf(daysAgo(1)), durationMinutes: 45, note: 'Contract review call', createdBy: cleo!.id },
        { taskId: created[2]!.id, projectId: project!.id, accountId: fred!.id, entryDate: dateOf(daysAgo(0)), durationMinutes: 90, note: 'Logo variants', createdBy: fred!.id },
      ])
      .returning();

    // Cleo's question to Bob about the contract, and Alice's note for the agency alone.
    const [question, note] = await tx
      .insert(comments)
      .values([
        { projectId: project!.id, taskId: created[1]!.id, authorAccountId: cleo!.id, body: 'Bob, could you send the signed contract back by Friday?' },
        { projectId: project!.id, taskId: created[1]!.id, authorAccountId: alice!.id, body: 'Their budget is fixed, so keep the scope tight.', isInternal: true },
      ])
      .returning();
    await tx.insert(commentMentions).values({ commentId: question!.id, accountId: bob!.id });
    await tx.insert(taskFollows).values([
      ...created.map((task, index) => ({ taskId: task.id, projectId: project!.id, accountId: assignees[index]!.id })),
      { taskId: created[1]!.id, projectId: project!.id, accountId: alice!.id },
    ]);
    await tx.insert(notifications).values([
      { recipientAccountId: bob!.id, kind: 'mentioned', projectId: project!.id, taskId: created[1]!.id, commentId: question!.id, actorAccountId: cleo!.id },
      { recipientAccountId: cleo!.id, kind: 'assigned', projectId: project!.id, taskId: created[1]!.id, actorAccountId: alice!.id },
      { recipientAccountId: fred!.id, kind: 'assigned', projectId: project!.id, taskId: created[2]!.id, actorAccountId: alice!.id },
    ]);
    const actor = (task: { id: string }) => ({ projectId: project!.id, taskId: task.id, actorAccountId: alice!.id });
    await tx.insert(activityEvents).values([
      ...created.map((task, index) => ({ ...actor(task), kind: 'task_created' as const, toValue: demoTasks[index]!.title, createdAt: daysAgo(3) })),
      ...created.map((task, index) => ({ ...actor(task), kind: 'assigned' as const, subjectAccountId: assignees[index]!.id, createdAt: daysAgo(2) })),
      ...entries.map((entry) => ({
        projectId: project!.id,
        taskId: entry.taskId,
        actorAccountId: entry.accountId,
        kind: 'time_tracked' as const,
        subjectAccountId: entry.accountId,
        timeEntryId: entry.id,
        toValue: String(entry.durationMinutes),
      })),
      { ...actor(created[1]!), actorAccountId: cleo!.id, kind: 'commented' as const, commentId: question!.id },
      { ...actor(created[1]!), kind: 'commented' as const, commentId: note!.id, isInternal: true },
    ]);
  });
  return 'loaded';
}
