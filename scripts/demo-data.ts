import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { accounts, workspaceMembers, workspaces } from '../db/identity/schema.js';
import { builtInRoleIds, projectMembers, projects } from '../db/sharing/schema.js';
import { taskAssignees, tasks } from '../db/work/schema.js';
import { hashPassword } from '../subgraphs/identity/auth/password.js';

/** The demo sign-ins that `npm start` prints. */
export const demoPassword = 'tandem-demo-password';
export const demoAccounts = [
  { name: 'Alice Host', email: 'alice@acme.example' },
  { name: 'Bob Member', email: 'bob@acme.example' },
] as const;

const demoTasks = [
  { title: 'Draft the launch plan', status: 'in_progress', dueDate: '2027-01-15' },
  { title: 'Review the contract with the agency', status: 'todo', dueDate: '2027-01-20' },
  { title: 'Collect logo variants', status: 'done', dueDate: null },
  { title: 'Book the kick-off meeting', status: 'todo', dueDate: '2027-01-08' },
] as const;

/**
 * Loads a small demo workspace once: Alice administers "Acme", Bob is a member, and they
 * share the project "Website relaunch" with a few tasks. Does nothing when Alice's account
 * exists, so restarts keep whatever the user changed.
 */
export async function loadDemoData(db: Database): Promise<'loaded' | 'present'> {
  const [existing] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, demoAccounts[0].email));
  if (existing) return 'present';

  const passwordHash = await hashPassword(demoPassword);
  await db.transaction(async (tx) => {
    const [alice, bob] = await tx
      .insert(accounts)
      .values(demoAccounts.map((account) => ({ ...account, passwordHash })))
      .returning({ id: accounts.id });
    const [acme] = await tx.insert(workspaces).values({ name: 'Acme', plan: 'business', createdBy: alice!.id }).returning({ id: workspaces.id });
    await tx.insert(workspaceMembers).values([
      { workspaceId: acme!.id, accountId: alice!.id, role: 'admin' },
      { workspaceId: acme!.id, accountId: bob!.id, role: 'member' },
    ]);
    await tx.update(accounts).set({ lastWorkspaceId: acme!.id });

    const [project] = await tx.insert(projects).values({ workspaceId: acme!.id, name: 'Website relaunch', createdBy: alice!.id }).returning({ id: projects.id });
    await tx.insert(projectMembers).values([
      { projectId: project!.id, accountId: alice!.id, roleId: builtInRoleIds.editor, addedBy: alice!.id },
      { projectId: project!.id, accountId: bob!.id, roleId: builtInRoleIds.editor, addedBy: alice!.id },
    ]);
    const created = await tx
      .insert(tasks)
      .values(demoTasks.map((task) => ({ ...task, projectId: project!.id, createdBy: alice!.id })))
      .returning({ id: tasks.id });
    await tx.insert(taskAssignees).values(created.map((task, index) => ({ taskId: task.id, accountId: index % 2 === 0 ? alice!.id : bob!.id, assignedBy: alice!.id })));
  });
  return 'loaded';
}
