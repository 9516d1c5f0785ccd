// The scale part of npm run bench (BENCH_SCALE=1 or only): the same two operations on a database
// of about 10,000 tasks and on one of about 1,000,000, served by the deployed target, with the
// latency ratio between the two and the plans of the SQL the operations send. See
// scripts/bench/README.md, section "Scale".
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { hashPassword } from '../../../subgraphs/identity/auth/password.js';
import { call, post } from '../lib/client.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { runLoad, stopLoadWorkers } from '../lib/load.js';
import { findMail } from '../lib/mail.js';
import { operations } from '../lib/operations.js';
import { stopAllServices } from '../lib/processes.js';
import { seed, type SeededData } from '../lib/seed.js';
import { targetNamed, type RunningTarget, type TargetEnvironment } from '../lib/targets.js';
import { startStatementRecorder, type StatementRecorder } from './capture.js';
import { distinctStatements, explainStatements, type ExplainedStatement } from './explain.js';
import { generate, tableSizes, type ScaleSize } from './generate.js';

/** Password of every generated account (user<n>@scale.example). */
export const generatedPassword = 'scale bench password';
/** Goal for the p50 latency on the big database divided by the p50 on the small one. */
const ratioGoal = 1.5;
/** Tables with more rows than this count as big when a plan reads them sequentially. */
const bigTableRows = 10_000;

export const sizes: ScaleSize[] = [
  { label: '10k', accounts: 1_000, projects: 1_000, tasks: 10_000 },
  { label: '1M', accounts: 100_000, projects: 100_000, tasks: 1_000_000 },
];

export type ScaleMode = 'off' | 'with' | 'only';

/** Reads BENCH_SCALE: unset or 0 skips the scale part, 1 adds it after the main run, `only` runs it alone. */
export function readScaleMode(): ScaleMode {
  const raw = (process.env.BENCH_SCALE ?? '').trim();
  if (raw === '' || raw === '0') return 'off';
  if (raw === '1') return 'with';
  if (raw === 'only') return 'only';
  throw new Error(`BENCH_SCALE must be 0, 1 or only, not "${raw}".`);
}

export interface ScaleContext {
  repositoryRoot: string;
  benchDir: string;
  workDir: string;
  serverUrl: string;
  logLevel: string;
  say(message: string): void;
}

/** One measured load of one operation on one size. */
interface LoadRow {
  round: number;
  size: string;
  operation: string;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  requestsPerSecond: number;
  failed: number;
}

interface OperationResult {
  operation: string;
  /** Medians over the rounds. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
  /** Statements one request sent, as the recording proxy saw them. */
  statementsPerRequest: number;
  statements: Omit<ExplainedStatement, 'plan' | 'genericPlan'>[];
  planFile: string;
}

interface SizeResult {
  size: ScaleSize;
  rows: Record<string, number>;
  generatedRows: Record<string, number>;
  generateSeconds: number;
  analyzeSeconds: number;
  operations: OperationResult[];
}

function readNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a number of at least 1, not "${raw}".`);
  return value;
}

/** Writes one operation's plans as text, each statement with its parameters and calls per request. */
function writePlans(file: string, operation: string, size: string, explained: ExplainedStatement[]): void {
  const sections = explained.map((statement) =>
    [
      `-- Statement ${statement.number}, sent ${statement.callsPerRequest} time(s) per request`,
      `-- Parameters: ${JSON.stringify(statement.parameters)}`,
      statement.text.trim(),
      '',
      '-- Custom plan for these parameters:',
      statement.plan,
      '',
      '-- Generic plan (plan_cache_mode = force_generic_plan):',
      statement.genericPlan,
    ].join('\n'),
  );
  writeFileSync(file, `-- ${operation} on the ${size} database: EXPLAIN (ANALYZE, BUFFERS) of each statement one request sends\n\n${sections.join('\n\n')}\n`);
}

/** Statements the idle services send on their own (mail outbox polls and the like), by text. */
async function idleStatements(recorder: StatementRecorder, seconds: number): Promise<Set<string>> {
  recorder.take();
  await sleep(seconds * 1000);
  return new Set(recorder.take().map((statement) => statement.text));
}

/** A database of one size, filled and served by its own deployed target. */
interface PreparedSize {
  size: ScaleSize;
  database: BenchDatabase;
  environment: TargetEnvironment;
  target: RunningTarget;
  admin: postgres.Sql;
  data: SeededData;
  /** The verified response body per operation; a different body under load counts as failed. */
  bodies: Map<string, string>;
  rows: Record<string, number>;
  generatedRows: Record<string, number>;
  generateSeconds: number;
  analyzeSeconds: number;
}

/** Targets, proxies, connections and databases that the scale part started, for the cleanup. */
const started = { databases: [] as BenchDatabase[], targets: [] as RunningTarget[], connections: [] as postgres.Sql[], recorders: [] as StatementRecorder[] };

let cleaning: Promise<void> | undefined;

/**
 * Stops what the scale part started and drops its databases, once. The interrupt handler and the
 * failure that an interrupt causes in the running step both wait for the same cleanup.
 */
function cleanUp(say: (message: string) => void): Promise<void> {
  cleaning ??= (async () => {
    stopLoadWorkers();
    for (const target of started.targets.splice(0)) await target.stop().catch(() => {});
    await stopAllServices();
    for (const recorder of started.recorders.splice(0)) await recorder.close().catch(() => {});
    // Dropping with force ends a generation still running in the connections closed below.
    for (const database of started.databases.splice(0)) await database.drop().catch((error: unknown) => say(`could not drop ${database.name}: ${String(error)}`));
    for (const connection of started.connections.splice(0)) await connection.end({ timeout: 5 }).catch(() => {});
  })();
  return cleaning;
}

/** On Ctrl-C or SIGTERM, stops what the scale part started and drops its databases. */
function handleInterrupts(say: (message: string) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the started processes and dropping the scale databases.\n`);
      void cleanUp(say).finally(() => process.exit(130));
    });
  }
}

/** Creates and migrates the database, seeds the bench actors through the API, adds the generated rows and checks the operations. */
async function prepareSize(context: ScaleContext, size: ScaleSize): Promise<PreparedSize> {
  const { say } = context;
  const database = await createBenchDatabase(context.serverUrl);
  started.databases.push(database);
  await database.migrate(context.repositoryRoot);
  say(`scale ${size.label}: created and migrated ${database.name}`);
  const logDir = join(context.workDir, `scale-${size.label}`);
  const environment: TargetEnvironment = {
    repositoryRoot: context.repositoryRoot,
    databaseUrl: database.url,
    tokenSecret: randomBytes(32).toString('hex'),
    subgraphSecrets: { identity: randomBytes(32).toString('hex'), sharing: randomBytes(32).toString('hex'), work: randomBytes(32).toString('hex') },
    dataDir: join(logDir, 'data'),
    logDir,
    logLevel: context.logLevel,
  };
  mkdirSync(environment.dataDir, { recursive: true });
  const target = await targetNamed('deployed').start(environment, []);
  started.targets.push(target);
  const data = await seed(target.url, (recipient, pattern) => findMail(join(environment.dataDir, 'mail'), recipient, pattern));
  say(`scale ${size.label}: seeded the bench actors through the API`);

  // Generate the bulk of the data next to the seeded actors, then refresh the statistics and
  // the visibility map, as autovacuum would after a bulk load.
  const admin = postgres(database.url, { max: 2, onnotice: () => {} });
  started.connections.push(admin);
  const passwordHash = await hashPassword(generatedPassword);
  let startedAt = performance.now();
  const generatedRows = await generate(admin, size, passwordHash, data.counts);
  const generateSeconds = (performance.now() - startedAt) / 1000;
  startedAt = performance.now();
  await admin.unsafe('vacuum analyze');
  const analyzeSeconds = (performance.now() - startedAt) / 1000;
  const rows = await tableSizes(admin);
  say(`scale ${size.label}: generated in ${generateSeconds.toFixed(1)} s, vacuum analyze ${analyzeSeconds.toFixed(1)} s: ${JSON.stringify(rows)}`);

  const signIn = await call(target.url, 'mutation($input: LogInInput!) { logIn(input: $input) { accessToken userErrors { code message } } }', { input: { email: 'user1@scale.example', password: generatedPassword } });
  if (!signIn.logIn.accessToken) throw new Error(`scale ${size.label}: the generated account user1@scale.example could not sign in.`);

  // The operations' checks hold unchanged, since the generated rows touch none of the seeded actors.
  const bodies = new Map<string, string>();
  for (const operation of operations) {
    const reply = await post(target.url, operation.query, operation.variables(data), operation.token(data));
    if (reply.status !== 200 || reply.body.errors) throw new Error(`scale ${size.label}: ${operation.name} responded with HTTP ${reply.status}: ${JSON.stringify(reply.body.errors)}`);
    const problems = operation.check(reply.body.data, data);
    if (problems.length > 0) throw new Error(`scale ${size.label}: ${operation.name} returned wrong data:\n  ${problems.join('\n  ')}`);
    bodies.set(operation.name, reply.text);
  }
  return { size, database, environment, target, admin, data, bodies, rows, generatedRows, generateSeconds, analyzeSeconds };
}

/**
 * Starts a second deployed target through the recording proxy, sends each operation and explains
 * the statements of one request. It runs after the loads, so the proxy adds nothing to the latencies.
 */
async function explainOperations(context: ScaleContext, prepared: PreparedSize, resultsDir: string): Promise<Map<string, { statements: Omit<ExplainedStatement, 'plan' | 'genericPlan'>[]; planFile: string; sentPerRequest: number }>> {
  const { size, data } = prepared;
  const recorder = await startStatementRecorder(prepared.database.url);
  started.recorders.push(recorder);
  const logDir = join(prepared.environment.logDir, 'capture');
  mkdirSync(logDir);
  const target = await targetNamed('deployed').start({ ...prepared.environment, databaseUrl: recorder.url, logDir }, []);
  started.targets.push(target);
  const explainedOperations = new Map<string, { statements: Omit<ExplainedStatement, 'plan' | 'genericPlan'>[]; planFile: string; sentPerRequest: number }>();
  for (const operation of operations) {
    // Two requests fill the services' caches of prepared statements and sessions first.
    for (let request = 0; request < 2; request += 1) await post(target.url, operation.query, operation.variables(data), operation.token(data));
    const idle = await idleStatements(recorder, 1.5);
    const reply = await post(target.url, operation.query, operation.variables(data), operation.token(data));
    if (reply.body.errors) throw new Error(`scale ${size.label}: ${operation.name} failed through the statement recorder: ${JSON.stringify(reply.body.errors)}`);
    await sleep(100);
    const sent = recorder.take().filter((statement) => !idle.has(statement.text) && !/mail_outbox/.test(statement.text));
    const explained = await explainStatements(prepared.admin, distinctStatements(sent));
    const planFile = join(resultsDir, `${size.label}-${operation.name}.plans.txt`);
    writePlans(planFile, operation.name, size.label, explained);
    const relativeFile = planFile.slice(context.repositoryRoot.length);
    explainedOperations.set(operation.name, { statements: explained.map(({ plan: _plan, genericPlan: _genericPlan, ...rest }) => rest), planFile: relativeFile, sentPerRequest: sent.length });
    const big = explained.flatMap((statement) => statement.sequentialScans.filter((scan) => scan.tableRows > bigTableRows).map((scan) => `statement ${statement.number} on ${scan.table} (${scan.tableRows} rows)`));
    context.say(`scale ${size.label} ${operation.name}: ${sent.length} statements per request (${explained.length} distinct), plans in ${relativeFile}${big.length > 0 ? `; sequential scans of big tables: ${big.join(', ')}` : ''}`);
  }
  await target.stop();
  return explainedOperations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Prepares both sizes, loads them in alternating rounds (so that drift of the machine falls on
 * both alike), explains the statements, prints the ratios and writes results/scale.json with
 * the plans beside it.
 */
export async function runScale(context: ScaleContext): Promise<void> {
  const timing = {
    rounds: Math.floor(readNumber('BENCH_SCALE_ROUNDS', 3)),
    warmupSeconds: readNumber('BENCH_SCALE_WARMUP_SECONDS', 3),
    durationSeconds: readNumber('BENCH_SCALE_DURATION_SECONDS', 10),
  };
  const resultsDir = join(context.benchDir, 'results', 'scale');
  mkdirSync(resultsDir, { recursive: true });
  handleInterrupts(context.say);
  const startedAt = performance.now();
  try {
    const prepared: PreparedSize[] = [];
    for (const size of sizes) prepared.push(await prepareSize(context, size));

    const loads: LoadRow[] = [];
    for (let round = 1; round <= timing.rounds; round += 1) {
      const order = round % 2 === 1 ? prepared : [...prepared].reverse();
      for (const { size, target, data, bodies } of order) {
        for (const operation of operations) {
          const job = { url: target.url, body: JSON.stringify({ query: operation.query, variables: operation.variables(data) }), token: operation.token(data), expectBody: bodies.get(operation.name)! };
          if (round === 1) await runLoad({ ...job, connections: 1, durationSeconds: timing.warmupSeconds }, target, context.repositoryRoot);
          const measured = await runLoad({ ...job, connections: 1, durationSeconds: timing.durationSeconds }, target, context.repositoryRoot);
          const failed = measured.errors + measured.timeouts + measured.non2xx + measured.mismatches;
          loads.push({ round, size: size.label, operation: operation.name, p50Ms: measured.p50Ms, p99Ms: measured.p99Ms, requests: measured.requests, requestsPerSecond: measured.requestsPerSecond, failed });
          context.say(`scale round ${round} ${size.label} ${operation.name}: p50 ${measured.p50Ms.toFixed(2)} ms, p99 ${measured.p99Ms.toFixed(2)} ms, ${measured.requestsPerSecond.toFixed(0)} req/s, ${failed} failed`);
        }
      }
    }
    for (const { target } of prepared) await target.stop();

    const measured: SizeResult[] = [];
    for (const entry of prepared) {
      const explained = await explainOperations(context, entry, resultsDir);
      measured.push({
        size: entry.size,
        rows: entry.rows,
        generatedRows: entry.generatedRows,
        generateSeconds: entry.generateSeconds,
        analyzeSeconds: entry.analyzeSeconds,
        operations: operations.map((operation) => {
          const own = loads.filter((row) => row.size === entry.size.label && row.operation === operation.name);
          const plans = explained.get(operation.name)!;
          return {
            operation: operation.name,
            p50Ms: median(own.map((row) => row.p50Ms)),
            p99Ms: median(own.map((row) => row.p99Ms)),
            requests: own.reduce((sum, row) => sum + row.requests, 0),
            failed: own.reduce((sum, row) => sum + row.failed, 0),
            statementsPerRequest: plans.sentPerRequest,
            statements: plans.statements,
            planFile: plans.planFile,
          };
        }),
      });
    }
    writeReport(context, timing, measured, loads, (performance.now() - startedAt) / 1000);
    const failed = loads.reduce((sum, row) => sum + row.failed, 0);
    if (failed > 0) throw new Error(`${failed} requests of the scale part failed or returned a different body.`);
  } finally {
    await cleanUp(context.say);
  }
}

/** Prints the comparison of the sizes and writes results/scale.json. */
function writeReport(context: ScaleContext, timing: { rounds: number; warmupSeconds: number; durationSeconds: number }, measured: SizeResult[], loads: LoadRow[], totalSeconds: number): void {
  const [small, big] = measured as [SizeResult, SizeResult];
  const comparison = operations.map((operation) => {
    const before = small.operations.find((result) => result.operation === operation.name)!;
    const after = big.operations.find((result) => result.operation === operation.name)!;
    const perRound = Array.from({ length: timing.rounds }, (_, index) => {
      const of = (label: string) => loads.find((row) => row.round === index + 1 && row.size === label && row.operation === operation.name)!;
      return of(big.size.label).p50Ms / of(small.size.label).p50Ms;
    });
    const p50Ratio = after.p50Ms / before.p50Ms;
    return { operation: operation.name, p50Ms: [before.p50Ms, after.p50Ms], p99Ms: [before.p99Ms, after.p99Ms], p50Ratio, p50RatioPerRound: perRound, p99Ratio: after.p99Ms / before.p99Ms, goal: ratioGoal, met: p50Ratio <= ratioGoal };
  });
  const indexesUsed = Object.fromEntries(
    measured.flatMap((result) => result.operations.map((operation) => [`${result.size.label}/${operation.operation}`, [...new Set(operation.statements.flatMap((statement) => statement.indexes))].sort()])),
  );
  const bigSequentialScans = measured.flatMap((result) =>
    result.operations.flatMap((operation) =>
      operation.statements.flatMap((statement) =>
        statement.sequentialScans.filter((scan) => scan.tableRows > bigTableRows).map((scan) => ({ size: result.size.label, operation: operation.operation, statement: statement.number, ...scan })),
      ),
    ),
  );

  const lines = [
    `Scale: deployed target, 1 connection, median of ${timing.rounds} rounds of ${timing.durationSeconds} s per size and operation; ratios are ${big.size.label} ÷ ${small.size.label} tasks`,
    ...comparison.map(
      (row) =>
        `  ${row.operation.padEnd(20)} p50 ${row.p50Ms[0]!.toFixed(2)} -> ${row.p50Ms[1]!.toFixed(2)} ms (${row.p50Ratio.toFixed(2)}x, rounds ${row.p50RatioPerRound.map((ratio) => ratio.toFixed(2)).join(', ')}; goal <= ${ratioGoal}x: ${row.met ? 'met' : 'missed'}), p99 ${row.p99Ms[0]!.toFixed(2)} -> ${row.p99Ms[1]!.toFixed(2)} ms (${row.p99Ratio.toFixed(2)}x)`,
    ),
    `  generated ${big.size.label} in ${big.generateSeconds.toFixed(1)} s plus ${big.analyzeSeconds.toFixed(1)} s of vacuum analyze; sequential scans of tables over ${bigTableRows} rows: ${bigSequentialScans.length === 0 ? 'none' : JSON.stringify(bigSequentialScans)}`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);

  const report = {
    finishedAt: new Date().toISOString(),
    target: 'deployed',
    connections: 1,
    ...timing,
    generatedPassword,
    sizes: measured,
    loads,
    comparison,
    indexesUsed,
    bigSequentialScans,
    totalSeconds,
  };
  writeFileSync(join(context.benchDir, 'results', 'scale.json'), `${JSON.stringify(report, null, 2)}\n`);
  context.say('wrote scripts/bench/results/scale.json and the plans in scripts/bench/results/scale/');
}
