// Fills a migrated Tandem database with generated accounts, sessions, workspaces, projects,
// members, tasks, assignments, time entries and comments, in set-based SQL (INSERT … SELECT over
// generate_series), so that a million tasks take minutes rather than hours through the API.
//
// Shape: accounts come in groups of ten. Each account has a personal workspace on the free plan.
// The personal workspace of a group's first account is the group's agency workspace instead, on the
// business plan, and the other nine are its members. Each agency hosts `projects / groups`
// projects with four internal members (the owner as Editor and three colleagues). Every fifth
// project is shared with two accounts of the next group: an external collaborator and an external
// assignee, each placed in their own personal workspace. Tasks are spread over the projects
// round-robin, so a project's tasks lie far apart in the table, as when many projects grow side by side.
//
// Ids are md5 hashes of a kind and a number, so every statement can compute the ids it points
// at without joins. The data the bench seeds through the API (lib/seed.ts) stays untouched.
import type { Sql } from 'postgres';

export interface ScaleSize {
  /** Label in reports and file names, such as "1M". */
  label: string;
  accounts: number;
  projects: number;
  tasks: number;
}

/** Rows inserted per table. */
export type GeneratedCounts = Record<string, number>;

const roles = {
  editor: '00000000-0000-4000-8000-000000000001',
  externalCollaborator: '00000000-0000-4000-8000-000000000002',
  externalAssignee: '00000000-0000-4000-8000-000000000003',
};

/**
 * Inserts `size` more rows (less the rows already present, so totals come out at the size) in
 * one transaction. `passwordHash` goes to every generated account; it must come from the
 * product's hashPassword so that the accounts can sign in.
 */
export async function generate(sql: Sql, size: ScaleSize, passwordHash: string, already: { accounts: number; projects: number; tasks: number }): Promise<GeneratedCounts> {
  // Groups of ten accounts, and at least two groups so that a shared project's externals come from another group.
  const groups = Math.max(2, Math.floor((size.accounts - already.accounts) / 10));
  const accounts = groups * 10;
  const projects = Math.max(groups, size.projects - already.projects);
  const tasks = Math.max(projects, size.tasks - already.tasks);
  const counts: GeneratedCounts = {};

  await sql.begin(async (tx) => {
    await tx.unsafe('set local synchronous_commit = off');
    const run = async (table: string, statement: string, parameters: (string | number)[]) => {
      const result = await tx.unsafe(statement, parameters);
      counts[table] = (counts[table] ?? 0) + result.count;
    };

    await run(
      'identity.accounts',
      `insert into identity.accounts (id, email, name, password_hash, created_at)
       select md5('account' || i)::uuid, 'user' || i || '@scale.example', 'Scale user ' || i, $1, now() - (i % 1000) * interval '1 hour'
       from generate_series(0, $2::int - 1) i`,
      [passwordHash, accounts],
    );
    await run(
      'identity.workspaces',
      `insert into identity.workspaces (id, name, plan, created_by, created_at)
       select md5('workspace' || i)::uuid,
              case when i % 10 = 0 then 'Agency ' || (i / 10) else 'Desk ' || i end,
              (case when i % 10 = 0 then 'business' else 'basic_connect' end)::identity.plan,
              md5('account' || i)::uuid, now() - (i % 1000) * interval '1 hour'
       from generate_series(0, $1::int - 1) i`,
      [accounts],
    );
    await run(
      'identity.workspace_members',
      `insert into identity.workspace_members (workspace_id, account_id, role)
       select md5('workspace' || i)::uuid, md5('account' || i)::uuid, 'admin'::identity.workspace_role
       from generate_series(0, $1::int - 1) i
       union all
       select md5('workspace' || (i / 10 * 10))::uuid, md5('account' || i)::uuid, 'member'::identity.workspace_role
       from generate_series(0, $1::int - 1) i where i % 10 <> 0`,
      [accounts],
    );
    // Sessions of a generated account start in its agency workspace.
    await tx.unsafe(
      `update identity.accounts set last_workspace_id = md5('workspace' || (n / 10 * 10))::uuid
       from generate_series(0, $1::int - 1) n where id = md5('account' || n)::uuid`,
      [accounts],
    );

    // One open session per account, as after a sign-in, so that the gateway's session check reads a full table.
    await run(
      'identity.sessions',
      `insert into identity.sessions (account_id, current_workspace_id, created_at, expires_at)
       select md5('account' || i)::uuid, md5('workspace' || (i / 10 * 10))::uuid, now() - (i % 1000) * interval '1 minute', now() + interval '30 days'
       from generate_series(0, $1::int - 1) i`,
      [accounts],
    );

    // Project j belongs to group j % groups; `round` = j / groups picks which colleagues join it.
    await run(
      'sharing.projects',
      `insert into sharing.projects (id, workspace_id, name, created_by, created_at, updated_at)
       select md5('project' || j)::uuid, md5('workspace' || (j % $2::int * 10))::uuid, 'Project ' || j,
              md5('account' || (j % $2::int * 10))::uuid, now() - (j % 1000) * interval '1 hour', now()
       from generate_series(0, $1::int - 1) j`,
      [projects, groups],
    );
    await run(
      'sharing.project_members',
      `insert into sharing.project_members (project_id, account_id, is_external, placement_workspace_id, role_id, added_by)
       select md5('project' || j)::uuid, md5('account' || member.account)::uuid, member.external, member.placement, member.role::uuid,
              md5('account' || (j % $2::int * 10))::uuid
       from generate_series(0, $1::int - 1) j
       cross join lateral (
         values (j % $2::int * 10, false, null::uuid, $3),
                (j % $2::int * 10 + 1 + (j / $2::int) % 9, false, null::uuid, $3),
                (j % $2::int * 10 + 1 + (j / $2::int + 1) % 9, false, null::uuid, $3),
                (j % $2::int * 10 + 1 + (j / $2::int + 2) % 9, false, null::uuid, $3),
                (case when j % 5 = 0 then (j % $2::int + 1) % $2::int * 10 + 8 end, true, md5('workspace' || ((j % $2::int + 1) % $2::int * 10 + 8))::uuid, $4),
                (case when j % 5 = 0 then (j % $2::int + 1) % $2::int * 10 + 9 end, true, md5('workspace' || ((j % $2::int + 1) % $2::int * 10 + 9))::uuid, $5)
       ) as member(account, external, placement, role)
       where member.account is not null`,
      [projects, groups, roles.editor, roles.externalCollaborator, roles.externalAssignee],
    );

    // Task t belongs to project t % projects. The project's k-th internal member (k = 0 is the
    // owner) is account `group * 10` for k = 0, else `group * 10 + 1 + (round + k - 1) % 9`.
    await run(
      'work.tasks',
      `insert into work.tasks (id, project_id, title, status, due_date, created_by, created_at, updated_at)
       select md5('task' || t)::uuid, md5('project' || (t % $2::int))::uuid, 'Task ' || t,
              (array['todo', 'in_progress', 'done', 'todo', 'cancelled'])[t % 5 + 1]::work.task_status,
              case when t % 2 = 0 then current_date + (t % 90) end,
              md5('account' || (t % $2::int % $3::int * 10))::uuid,
              now() - (t % 5000) * interval '1 minute', now()
       from generate_series(0, $1::int - 1) t`,
      [tasks, projects, groups],
    );
    // Each task gets its first assignee among the internal members, a second one on every third
    // task, and the external assignee on about one task in four of a shared project.
    const taskFacts = `
      select t, p, g,
             case when k1 = 0 then g * 10 else g * 10 + 1 + (r + k1 - 1) % 9 end as first,
             case when (k1 + 1) % 4 = 0 then g * 10 else g * 10 + 1 + (r + (k1 + 1) % 4 - 1) % 9 end as second,
             (g + 1) % $3::int * 10 + 9 as external
      from (select t, t % $2::int as p, t % $2::int % $3::int as g, t % $2::int / $3::int as r, t / $2::int % 4 as k1
            from generate_series(0, $1::int - 1) t) numbered`;
    await run(
      'work.task_assignees',
      `insert into work.task_assignees (task_id, account_id, assigned_by)
       select md5('task' || f.t)::uuid, md5('account' || a.account)::uuid, md5('account' || (f.g * 10))::uuid
       from (${taskFacts}) f
       cross join lateral (values (f.first), (case when f.t % 3 = 0 then f.second end),
                                  (case when f.p % 5 = 0 and f.t / $2::int % 4 = 0 then f.external end)) as a(account)
       where a.account is not null`,
      [tasks, projects, groups],
    );
    await run(
      'work.time_entries',
      `insert into work.time_entries (task_id, project_id, account_id, entry_date, duration_minutes, note, created_by)
       select md5('task' || f.t)::uuid, md5('project' || f.p)::uuid, md5('account' || f.first)::uuid,
              current_date - (f.t % 60), 15 + (f.t % 8) * 15, 'Work session', md5('account' || f.first)::uuid
       from (${taskFacts}) f where f.t % 5 = 0`,
      [tasks, projects, groups],
    );
    // A comment on every tenth task, internal on every twentieth, by its first assignee, who is
    // always an internal member. Each project also gets one comment by its owner.
    await run(
      'work.comments',
      `insert into work.comments (project_id, task_id, author_account_id, body, is_internal)
       select md5('project' || f.p)::uuid, md5('task' || f.t)::uuid, md5('account' || f.first)::uuid, 'Comment on task ' || f.t, f.t % 20 = 0
       from (${taskFacts}) f where f.t % 10 = 0`,
      [tasks, projects, groups],
    );
    await run(
      'work.comments',
      `insert into work.comments (project_id, author_account_id, body)
       select md5('project' || j)::uuid, md5('account' || (j % $2::int * 10))::uuid, 'Kick-off notes for project ' || j
       from generate_series(0, $1::int - 1) j`,
      [projects, groups],
    );
  });
  return counts;
}

/** Row counts of the big tables, with the data seeded through the API included. */
export async function tableSizes(sql: Sql): Promise<Record<string, number>> {
  const tables = ['identity.accounts', 'identity.sessions', 'identity.workspaces', 'identity.workspace_members', 'sharing.projects', 'sharing.project_members', 'work.tasks', 'work.task_assignees', 'work.time_entries', 'work.comments'];
  const sizes: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await sql.unsafe<{ count: string }[]>(`select count(*)::text as count from ${table}`);
    sizes[table] = Number(row!.count);
  }
  return sizes;
}
