import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.js';
import type { SubgraphContext } from '../../common/context.js';
import { codedError } from '../../common/errors.js';
import type { WorkLoaders } from '../loaders.js';
import { entryFilterOf } from './rules.js';

type Context = SubgraphContext<WorkLoaders>;

/** Maximum length of a time report's range, in days. */
export const maxReportDays = 366;

export interface ReportRow {
  projectId: string;
  taskId: string;
  accountId: string;
  isExternal: boolean;
  totalMinutes: number;
}

export interface TimeReport {
  from: string;
  to: string;
  totalMinutes: number;
  byProject: Array<{ projectId: string; totalMinutes: number }>;
  byPerson: Array<{ accountId: string; isExternal: boolean; totalMinutes: number }>;
  rows: ReportRow[];
}

function checkRange(from: string, to: string): void {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1) throw codedError('BAD_USER_INPUT', `Invalid range: "from" ${from} is after "to" ${to}; pass a "from" on or before "to".`);
  if (days > maxReportDays) throw codedError('BAD_USER_INPUT', `Invalid range: ${from} to ${to} spans ${days} days; ask for at most ${maxReportDays} days at a time.`);
}

/** Adds up minutes by a key, most first, ties in key order. */
function totalsBy<T extends { totalMinutes: number }>(rows: ReportRow[], key: (row: ReportRow) => string, make: (row: ReportRow) => T): T[] {
  const totals = new Map<string, T>();
  for (const row of rows) {
    const total = totals.get(key(row)) ?? make({ ...row, totalMinutes: 0 });
    total.totalMinutes += row.totalMinutes;
    totals.set(key(row), total);
  }
  return [...totals.entries()].sort(([a, x], [b, y]) => y.totalMinutes - x.totalMinutes || a.localeCompare(b)).map(([, total]) => total);
}

/**
 * Builds the time report of a workspace's own projects. The rule of `timeReport` has checked
 * that the viewer is a member of the workspace. Each project is filtered as the viewer's own
 * project access filters its time entries, so the report shows nothing that the lists hide.
 */
export async function loadTimeReport(workspaceId: string, from: string, to: string, context: Context): Promise<TimeReport> {
  checkRange(from, to);
  const viewerId = context.viewer!.accountId;
  const projects = rowsOf<{ id: string }>(await context.db.execute(sql`select id from sharing.v_projects where workspace_id = ${workspaceId}`));
  const accesses = await context.loaders.projectAccessById.loadMany(projects.map((project) => project.id));
  const visible = projects.flatMap((project, index) => {
    const access = accesses[index];
    const filter = access instanceof Error ? null : entryFilterOf(access ?? null);
    return filter ? [sql`(${project.id}::uuid, ${filter.ownOnly}::boolean, ${filter.assignedOnly}::boolean)`] : [];
  });
  let rows: ReportRow[] = [];
  if (visible.length > 0) {
    const result = await context.db.execute(sql`
      select entry.project_id, entry.task_id, entry.account_id, sum(entry.duration_minutes)::int as total_minutes,
        not exists (select 1 from identity.v_workspace_memberships member
          where member.workspace_id = ${workspaceId} and member.account_id = entry.account_id) as is_external
      from work.time_entries entry
      join (values ${sql.join(visible, sql`, `)}) as shown(project_id, own_only, assigned_only) on shown.project_id = entry.project_id
      where entry.entry_date between ${from}::date and ${to}::date
        and entry.duration_minutes is not null
        and (not shown.own_only or entry.account_id = ${viewerId})
        and (not shown.assigned_only
          or exists (select 1 from work.task_assignees assignee where assignee.task_id = entry.task_id and assignee.account_id = ${viewerId}))
      group by entry.project_id, entry.task_id, entry.account_id
      order by entry.project_id, entry.task_id, entry.account_id`);
    type Row = { project_id: string; task_id: string; account_id: string; total_minutes: number; is_external: boolean };
    rows = rowsOf<Row>(result).map((row) => ({
      projectId: row.project_id,
      taskId: row.task_id,
      accountId: row.account_id,
      isExternal: row.is_external,
      totalMinutes: Number(row.total_minutes),
    }));
  }
  return {
    from,
    to,
    totalMinutes: rows.reduce((sum, row) => sum + row.totalMinutes, 0),
    byProject: totalsBy(rows, (row) => row.projectId, (row) => ({ projectId: row.projectId, totalMinutes: 0 })),
    byPerson: totalsBy(rows, (row) => row.accountId, (row) => ({ accountId: row.accountId, isExternal: row.isExternal, totalMinutes: 0 })),
    rows,
  };
}
