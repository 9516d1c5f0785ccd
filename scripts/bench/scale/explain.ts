// Runs EXPLAIN (ANALYZE, BUFFERS) on captured statements and lists the indexes and the
// sequential scans in each plan.
import type { ReservedSql, Sql } from 'postgres';
import type { CapturedStatement } from './capture.js';

export interface ExplainedStatement {
  /** Position in the order the operation first sent it, from 1. */
  number: number;
  text: string;
  parameters: (string | null)[];
  /** How often one request sent it. */
  callsPerRequest: number;
  /** The plan for these parameter values (a custom plan). */
  plan: string;
  /** The generic plan, which a prepared statement may switch to after five executions, or the reason it could not be made. */
  genericPlan: string;
  executionMs: number;
  /** Index names from Index Scan, Index Only Scan and Bitmap Index Scan nodes of either plan. */
  indexes: string[];
  /** Tables read by Seq Scan nodes of either plan, with their estimated row count in pg_class. */
  sequentialScans: { table: string; tableRows: number }[];
}

/** Groups one request's statements by text, in first-sent order, keeping the last parameters of each. */
export function distinctStatements(statements: CapturedStatement[]): { statement: CapturedStatement; calls: number }[] {
  const byText = new Map<string, { statement: CapturedStatement; calls: number }>();
  for (const statement of statements) {
    const seen = byText.get(statement.text);
    if (seen) {
      seen.calls += 1;
      seen.statement = statement;
    } else {
      byText.set(statement.text, { statement, calls: 1 });
    }
  }
  return [...byText.values()];
}

function matches(plan: string, pattern: RegExp): string[] {
  return [...plan.matchAll(pattern)].map((match) => match[1]!);
}

/** Writes a text parameter as a string constant of unknown type, which EXECUTE casts to the parameter's type. */
function literal(value: string | null): string {
  return value === null ? 'null' : `'${value.replace(/'/g, "''")}'`;
}

/**
 * Explains each statement inside a transaction that is rolled back, because ANALYZE executes
 * the statement. It explains the custom plan for the captured values, and the generic plan of the
 * same statement prepared with plan_cache_mode = force_generic_plan, because the services' driver
 * prepares its statements and PostgreSQL may run the generic plan from the sixth execution on.
 */
export async function explainStatements(sql: Sql, statements: { statement: CapturedStatement; calls: number }[]): Promise<ExplainedStatement[]> {
  const connection = await sql.reserve();
  const explained: ExplainedStatement[] = [];
  try {
    for (const [index, { statement, calls }] of statements.entries()) {
      await connection.unsafe('begin');
      try {
        const rows = await connection.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) ${statement.text}`, statement.parameters);
        const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
        const genericPlan = await explainGeneric(connection, statement);
        const both = `${plan}\n${genericPlan}`;
        const tables = [...new Set(matches(both, /Seq Scan on (\S+)/g))];
        const sequentialScans: { table: string; tableRows: number }[] = [];
        for (const table of tables) {
          const [row] = await connection.unsafe<{ rows: string }[]>(`select greatest(reltuples, 0)::bigint::text as rows from pg_class where relname = $1 order by reltuples desc limit 1`, [table]);
          sequentialScans.push({ table, tableRows: Number(row?.rows ?? 0) });
        }
        explained.push({
          number: index + 1,
          text: statement.text,
          parameters: statement.parameters,
          callsPerRequest: calls,
          plan,
          genericPlan,
          executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN),
          indexes: [...new Set([...matches(both, /Index (?:Only )?Scan(?: Backward)? using (\S+)/g), ...matches(both, /Bitmap Index Scan on (\S+)/g)])],
          sequentialScans,
        });
      } finally {
        await connection.unsafe('rollback');
      }
    }
  } finally {
    connection.release();
  }
  return explained;
}

/** Explains the generic plan inside the caller's transaction; a failure is rolled back to a savepoint and returned as the text. */
async function explainGeneric(connection: ReservedSql, statement: CapturedStatement): Promise<string> {
  await connection.unsafe('savepoint generic_plan');
  let prepared = false;
  try {
    await connection.unsafe(`prepare scale_generic_plan as ${statement.text}`);
    prepared = true;
    await connection.unsafe('set local plan_cache_mode = force_generic_plan');
    const argumentsList = statement.parameters.length > 0 ? `(${statement.parameters.map(literal).join(', ')})` : '';
    const rows = await connection.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) execute scale_generic_plan${argumentsList}`);
    await connection.unsafe('release savepoint generic_plan');
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } catch (error) {
    await connection.unsafe('rollback to savepoint generic_plan');
    return `(no generic plan: ${error instanceof Error ? error.message : String(error)})`;
  } finally {
    // A prepared statement outlives the transaction.
    if (prepared) await connection.unsafe('deallocate scale_generic_plan');
  }
}
