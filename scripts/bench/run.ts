// npm run bench: measures Tandem's gateway and subgraphs as separate processes and as one process,
// against a monolith without federation and against Hive Gateway over the same subgraphs, and the
// start-up time of `npm start`. See scripts/bench/README.md.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { post } from './lib/client.js';
import { createBenchDatabase, openStatementCounter, type BenchDatabase, type StatementCounter } from './lib/database.js';
import { runLoad, stopLoadWorkers } from './lib/load.js';
import { findMail } from './lib/mail.js';
import { operations, type Operation } from './lib/operations.js';
import { stopAllServices } from './lib/processes.js';
import { memoryKilobytes, processesOfGroups } from './lib/procfs.js';
import { goalResults, goalTable, meetsGoal, ratioTable, ratios, roundTable, type Row } from './lib/report.js';
import { seed, type SeededData } from './lib/seed.js';
import { readSettings } from './lib/settings.js';
import { measureStartup, median, startupPaths } from './lib/startup.js';
import { targetNamed, type RunningTarget, type TargetEnvironment } from './lib/targets.js';
import { compareViewers, viewerPairs } from './lib/viewers.js';
import { readScaleMode, runScale } from './scale/run.js';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The pair whose ratios the summary prints: compared ÷ baseline. */
const comparison = { compared: 'deployed', baseline: 'embedded' };
/** Goal for the start-up of `npm start` on a fresh embedded database, in seconds. */
const startupGoalSeconds = 10;

const started = Date.now();
function say(message: string): void {
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
}

class BenchFailure extends Error {}

/** Installs the load generator and Hive Gateway into scripts/bench/node_modules when any of them is missing. */
async function ensureLoadTools(): Promise<void> {
  const { dependencies } = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  if (Object.keys(dependencies).every((name) => existsSync(join(benchDir, 'node_modules', name, 'package.json')))) return;
  say('Installing the load generator and Hive Gateway: npm ci --prefix scripts/bench');
  const child = spawn('npm', ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new BenchFailure(`npm ci --prefix scripts/bench exited with code ${code}.`);
}

/** Body of a request exactly as the load generator sends it. */
function requestBody(operation: Operation, data: SeededData): string {
  return JSON.stringify({ query: operation.query, variables: operation.variables(data) });
}

/**
 * Sends each operation to each target twice and fails unless every response has no error, passes
 * the operation's checks, is the same on every target, and repeats byte for byte (the load
 * generator compares every response with it). Returns the verified body per target and operation.
 */
async function verify(targets: RunningTarget[], data: SeededData, workDir: string): Promise<Map<string, string>> {
  const bodies = new Map<string, string>();
  for (const operation of operations) {
    let reference: { target: string; data: unknown } | undefined;
    for (const target of targets) {
      const first = await post(target.url, operation.query, operation.variables(data), operation.token(data));
      const second = await post(target.url, operation.query, operation.variables(data), operation.token(data));
      const where = `${operation.name} on ${target.name}`;
      if (first.status !== 200 || first.body.errors) throw new BenchFailure(`${where} responded with HTTP ${first.status}: ${JSON.stringify(first.body.errors ?? first.text.slice(0, 300))}`);
      const problems = operation.check(first.body.data, data);
      if (problems.length > 0) throw new BenchFailure(`${where} returned wrong data:\n  ${problems.join('\n  ')}`);
      if (second.text !== first.text) throw new BenchFailure(`${where} responded differently to the same request twice, so responses cannot be checked under load.`);
      if (!reference) {
        reference = { target: target.name, data: first.body.data };
      } else if (!isDeepStrictEqual(first.body.data, reference.data)) {
        const files = [join(workDir, `${operation.name}.${reference.target}.json`), join(workDir, `${operation.name}.${target.name}.json`)];
        writeFileSync(files[0]!, JSON.stringify(reference.data, null, 2));
        writeFileSync(files[1]!, JSON.stringify(first.body.data, null, 2));
        throw new BenchFailure(`${where} differs from ${reference.target}; compare ${files.join(' and ')}.`);
      }
      bodies.set(`${target.name}/${operation.name}`, first.text);
      say(`verified ${where}: ${first.text.length} bytes, checks passed, same as ${reference.target}`);
    }
  }
  return bodies;
}

/**
 * Counts SQL statements per request: for each target and operation, `requests` sequential
 * requests between two readings of the counter, less what the idle graph runs meanwhile (the
 * mail workers poll the outbox every second), measured first over a quiet window.
 */
async function countStatements(counter: StatementCounter, targets: RunningTarget[], data: SeededData, requests: number): Promise<Map<string, number>> {
  const perRequest = new Map<string, number>();
  if (requests === 0) return perRequest;
  const settleMs = counter.settleSeconds * 1000;
  await sleep(settleMs);
  const quietStart = await counter.read();
  const quietStartedAt = performance.now();
  await sleep(Math.max(settleMs / 2, 3000));
  const idleRate = (await counter.read()) - quietStart;
  const idlePerMs = idleRate / (performance.now() - quietStartedAt);
  say(`statement counter: ${counter.method}; idle graph runs ${(idlePerMs * 1000).toFixed(1)} per second`);
  for (const target of targets) {
    for (const operation of operations) {
      const before = await counter.read();
      const startedAt = performance.now();
      for (let index = 0; index < requests; index += 1) {
        const reply = await post(target.url, operation.query, operation.variables(data), operation.token(data));
        if (reply.body.errors) throw new BenchFailure(`${operation.name} on ${target.name} failed while counting statements.`);
      }
      await sleep(settleMs);
      const after = await counter.read();
      const idle = idlePerMs * (performance.now() - startedAt);
      perRequest.set(`${target.name}/${operation.name}`, (after - before - idle) / requests);
      say(`${target.name} ${operation.name}: ${((after - before - idle) / requests).toFixed(2)} statements per request`);
    }
  }
  return perRequest;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const definitions = settings.targets.map(targetNamed);
  await ensureLoadTools();

  const workDir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  const running: RunningTarget[] = [];
  let database: BenchDatabase | undefined;
  let counter: StatementCounter | undefined;
  let failed = true;
  const interrupt = (signal: string) => {
    process.stderr.write(`\n${signal}: stopping the started processes and dropping the database.\n`);
    void cleanUp().finally(() => process.exit(130));
  };
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      stopLoadWorkers();
      for (const target of running) await target.stop().catch(() => {});
      await stopAllServices();
      await counter?.close().catch(() => {});
      await database?.drop().catch((error: unknown) => process.stderr.write(`Could not drop ${database?.name}: ${String(error)}\n`));
      if (!failed) rmSync(workDir, { recursive: true, force: true });
    })());
  process.once('SIGINT', () => interrupt('SIGINT'));
  process.once('SIGTERM', () => interrupt('SIGTERM'));

  try {
    const startupSeconds: number[] = [];
    for (let run = 1; run <= settings.startupRuns; run += 1) {
      const { dataDir, logFile } = startupPaths(workDir, run);
      startupSeconds.push(await measureStartup(repositoryRoot, dataDir, logFile, settings.logLevel));
      say(`start-up ${run}: npm start on a fresh embedded database responded to its first query after ${startupSeconds.at(-1)!.toFixed(2)} s`);
    }

    database = await createBenchDatabase(settings.serverUrl);
    say(`created database ${database.name} (PostgreSQL ${database.serverVersion}); logs in ${workDir}`);
    await database.migrate(repositoryRoot);
    say('migrations applied');

    const environment: TargetEnvironment = {
      repositoryRoot,
      databaseUrl: database.url,
      tokenSecret: randomBytes(32).toString('hex'),
      subgraphSecrets: { identity: randomBytes(32).toString('hex'), sharing: randomBytes(32).toString('hex'), work: randomBytes(32).toString('hex') },
      dataDir: join(workDir, 'data'),
      logDir: workDir,
      logLevel: settings.logLevel,
    };
    mkdirSync(environment.dataDir);

    // The first target serves the seeding; the others start on the filled database.
    running.push(await definitions[0]!.start(environment, running));
    say(`started ${running[0]!.name} at ${running[0]!.url}`);
    const data = await seed(running[0]!.url, (recipient, pattern) => findMail(join(environment.dataDir, 'mail'), recipient, pattern));
    say(`seeded through ${running[0]!.name} with ${data.counts.requests} requests: ${JSON.stringify(data.counts)}`);
    for (const definition of definitions.slice(1)) {
      running.push(await definition.start(environment, running));
      say(`started ${definition.name} at ${running.at(-1)!.url}`);
    }

    const bodies = await verify(running, data, workDir);
    const differences = await compareViewers(running, data);
    if (differences.length > 0) throw new BenchFailure(`The targets apply different visibility rules:\n  ${differences.join('\n  ')}`);
    say(`compared ${viewerPairs(data)} operation and viewer pairs: every target responded to each alike`);
    counter = await openStatementCounter(settings.serverUrl, database, settings.statsSettleSeconds);
    if (counter.note) say(counter.note);
    const statements = await countStatements(counter, running, data, settings.sqlSampleRequests);

    const rows: Row[] = [];
    const highest = Math.max(...settings.connections);
    for (let round = 1; round <= settings.rounds; round += 1) {
      // Odd rounds visit the targets in order, even rounds in reverse, so drift shows in both.
      const order = round % 2 === 1 ? running : [...running].reverse();
      for (const target of order) {
        for (const operation of operations) {
          const job = { url: target.url, body: requestBody(operation, data), token: operation.token(data), expectBody: bodies.get(`${target.name}/${operation.name}`)! };
          if (settings.warmupSeconds > 0) {
            await runLoad({ ...job, connections: highest, durationSeconds: settings.warmupSeconds }, target, repositoryRoot);
          }
          for (const connections of settings.connections) {
            const measured = await runLoad({ ...job, connections, durationSeconds: settings.durationSeconds }, target, repositoryRoot);
            const row: Row = { ...measured, round, target: target.name, operation: operation.name, sqlPerRequest: statements.get(`${target.name}/${operation.name}`) ?? null };
            rows.push(row);
            say(`round ${round} ${target.name} ${operation.name} c=${connections}: ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms`);
          }
        }
      }
    }

    const highWater = Object.fromEntries(running.map((target) => [target.name, memoryKilobytes(processesOfGroups(target.processGroups), 'VmHWM') / 1024]));
    const gatewayHighWater = Object.fromEntries(running.map((target) => [target.name, memoryKilobytes(processesOfGroups([target.gatewayGroup]), 'VmHWM') / 1024]));
    const ratioList = ratios(rows, comparison.compared, comparison.baseline);
    const goals = goalResults(rows);
    let startup: { command: string; runsSeconds: number[]; medianSeconds: number; goalSeconds: number; met: boolean } | null = null;
    if (startupSeconds.length > 0) {
      const medianSeconds = median(startupSeconds);
      startup = { command: 'npm start', runsSeconds: startupSeconds, medianSeconds, goalSeconds: startupGoalSeconds, met: meetsGoal(medianSeconds, { bound: 'max', value: startupGoalSeconds })! };
    }
    const failures = rows.reduce((sum, row) => sum + row.errors + row.timeouts + row.non2xx + row.mismatches, 0);

    process.stdout.write('\n');
    for (let round = 1; round <= settings.rounds; round += 1) {
      process.stdout.write(`Round ${round}\n${roundTable(rows.filter((row) => row.round === round))}\n\n`);
    }
    process.stdout.write(`Cost of separate processes and HTTP hops (${comparison.compared} ÷ ${comparison.baseline}; above 1 means more throughput or a slower p50)\n${ratioTable(ratioList, comparison.compared, comparison.baseline)}\n\n`);
    process.stdout.write(`Tandem against the monolith baseline and Hive Gateway (mean of the rounds, each round in brackets)\n${goalTable(goals)}\n\n`);
    if (startup) {
      const runs = startupSeconds.map((seconds) => seconds.toFixed(2)).join(', ');
      process.stdout.write(
        `Start-up of npm start on a fresh embedded database to the first response: median ${startup.medianSeconds.toFixed(2)} s of ${runs} s (goal <= ${startupGoalSeconds} s: ${startup.met ? 'met' : 'missed'})\n`,
      );
    }
    process.stdout.write(`Peak RSS over the whole run (VmHWM summed over each target's processes): ${Object.entries(highWater).map(([name, mib]) => `${name} ${mib.toFixed(0)} MiB`).join(', ')}\n`);
    process.stdout.write(`Peak RSS of the process that clients call (VmHWM): ${Object.entries(gatewayHighWater).map(([name, mib]) => `${name} ${mib.toFixed(0)} MiB`).join(', ')}\n`);
    process.stdout.write(`SQL/req counted with ${counter.method}${counter.note ? ` (${counter.note})` : ''}.\n`);

    const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version, postgres: database.serverVersion };
    const resultsDir = join(benchDir, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const report = {
      finishedAt: new Date().toISOString(),
      machine,
      settings: { ...settings, serverUrl: undefined },
      targets: definitions.map((definition) => ({ name: definition.name, description: definition.description })),
      operations: operations.map((operation) => ({ name: operation.name, file: `scripts/bench/operations/${operation.file}` })),
      seed: { counts: data.counts, expected: data.expected },
      statementCounting: { method: counter.method, note: counter.note ?? null, sequentialRequests: settings.sqlSampleRequests },
      rounds: rows,
      ratios: { compared: comparison.compared, baseline: comparison.baseline, list: ratioList },
      goals,
      startup,
      peakRssHighWaterMiB: highWater,
      gatewayPeakRssHighWaterMiB: gatewayHighWater,
      failedRequests: failures,
    };
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    say(`wrote scripts/bench/results/latest.json`);
    if (failures > 0) throw new BenchFailure(`${failures} requests failed or returned a different body under load; see the "failed" column.`);
    failed = false;
  } finally {
    await cleanUp();
    say(failed ? `stopped everything; logs kept in ${workDir}` : 'stopped everything and dropped the database');
  }
}

/** Runs the main part, the scale part (scale/run.ts) or both, as BENCH_SCALE selects. */
async function runParts(): Promise<void> {
  const scaleMode = readScaleMode();
  if (scaleMode !== 'only') await main();
  if (scaleMode === 'off') return;
  if (scaleMode === 'only') await ensureLoadTools();
  // The main part's interrupt handlers have nothing left to stop, and the scale part installs its own.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  const { serverUrl, logLevel } = readSettings();
  const workDir = mkdtempSync(join(tmpdir(), 'tandem-bench-scale-'));
  await runScale({ repositoryRoot, benchDir, workDir, serverUrl, logLevel, say });
  rmSync(workDir, { recursive: true, force: true });
}

runParts().catch((error: unknown) => {
  process.stderr.write(`\nnpm run bench failed: ${error instanceof Error ? (error instanceof BenchFailure ? error.message : error.stack) : String(error)}\n`);
  process.exit(1);
});
