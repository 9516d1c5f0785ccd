import fc from 'fast-check';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestGraph, type TestGraph } from '../harness.js';
import { loadApiSchema } from './api-schema.js';
import { checkResponse, emptySightings, type Sightings } from './checker.js';
import { OperationGenerator } from './generator.js';
import { seedWorld, type SeededWorld } from './seed.js';

// Property: for any read operation built at random from the API schema, the response to an
// external member contains no project they are not a member of, no task outside their role's
// visibility, no one else's time entry and no unrelated workspace.
//
// Replay a failure with the seed that the failure message prints, and optionally the index of
// the failing run to skip the runs before it:
//   PROPERTY_SEED=123 PROPERTY_PATH=45 npx vitest run e2e/property/visibility.test.ts

const numRuns = 2_000;
const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Math.floor(Math.random() * 0x7fffffff);
const replayPath = process.env.PROPERTY_PATH || undefined;
/** Maximum number of shrink steps after a failure. Each step sends one more request. */
const maxShrinks = 300;

const schema = loadApiSchema();
let graph: TestGraph;
let world: SeededWorld;
let generator: OperationGenerator;

beforeAll(async () => {
  graph = await startTestGraph();
  world = await seedWorld(graph);
  generator = new OperationGenerator(schema, world.pools);
});
afterAll(() => graph?.close());

test(`external members see only what their project roles allow, over ${numRuns} generated operations`, { timeout: 180_000 }, async () => {
  const callers = { collaborator: world.collaborator, assignee: world.assignee } as const;
  const sightings: Record<keyof typeof callers, Sightings> = { collaborator: emptySightings(), assignee: emptySightings() };
  const rootFieldCounts = new Map<string, number>(generator.rootFieldNames.map((name) => [name, 0]));
  const skippedCounts = new Map<string, number>();
  const unfilledCounts = new Map<string, number>();
  const errorCodes = new Map<string, number>();
  let operations = 0;
  const started = Date.now();

  const property = fc.asyncProperty(fc.constantFrom(...(Object.keys(callers) as (keyof typeof callers)[])), fc.limitShrink(fc.gen(), maxShrinks), async (callerKey, draw) => {
    const view = callers[callerKey];
    const operation = generator.generate(draw);
    const invalid = validate(schema, parse(operation.query));
    if (invalid.length > 0) throw new Error(`The generator built an invalid operation: ${invalid.map((error) => error.message).join('; ')}\n${operation.query}`);

    const response = await graph.request(operation.query, {}, view.account.token);
    operations += 1;
    for (const name of operation.rootFields) rootFieldCounts.set(name, (rootFieldCounts.get(name) ?? 0) + 1);
    for (const coordinate of operation.skipped) skippedCounts.set(coordinate, (skippedCounts.get(coordinate) ?? 0) + 1);
    for (const coordinate of operation.unfilledOptional) unfilledCounts.set(coordinate, (unfilledCounts.get(coordinate) ?? 0) + 1);
    for (const error of response.errors ?? []) {
      const code = String(error.extensions?.code ?? 'NO_CODE');
      errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
    }

    const violations = checkResponse(response, view, world.ids, sightings[callerKey]);
    if (violations.length > 0) {
      throw new Error(
        [
          `Caller: ${view.label} (account ${view.account.id}, workspace ${view.account.ownWorkspaceId})`,
          'Operation:',
          operation.query,
          'Violations:',
          ...violations.map((violation) => `  at ${violation.path || '(root)'}: ${violation.typename} ${violation.id}: ${violation.reason}`),
          `Response: ${JSON.stringify({ data: response.data, errors: response.errors }).slice(0, 4000)}`,
        ].join('\n'),
      );
    }
  });

  const details = await fc.check(property, { numRuns, seed, path: replayPath, includeErrorInReport: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.info(
    [
      `visibility property: seed ${seed}, ${operations} operations in ${seconds} s`,
      `root fields reached: ${[...rootFieldCounts].map(([name, count]) => `${name} ${count}`).join(', ')}`,
      `fields skipped for arguments that cannot be generated: ${[...skippedCounts].map(([name, count]) => `${name} ${count}`).join(', ') || 'none'}`,
      `optional arguments left out for want of a valid value: ${[...unfilledCounts].map(([name, count]) => `${name} ${count}`).join(', ') || 'none'}`,
      `error codes: ${[...errorCodes].map(([code, count]) => `${code} ${count}`).join(', ') || 'none'}`,
      `objects seen: ${JSON.stringify(sightings)}`,
    ].join('\n'),
  );

  if (details.failed) {
    // Values of fc.gen are known only once the property has run, so fast-check cannot walk a
    // shrink path back to them. The index of the failing run replays it, and shrinking then starts again.
    const failingRun = (details.counterexamplePath ?? '').split(':')[0];
    const replay = `Replay: PROPERTY_SEED=${details.seed} PROPERTY_PATH=${failingRun} npx vitest run e2e/property/visibility.test.ts`;
    throw new Error(`${fc.defaultReportMessage(details) ?? 'The property failed.'}\n\n${replay}`);
  }

  // Full runs must reach every root query field and hold each kind of visible object, or the
  // property proved nothing about them. A replay of one path runs too few operations for that.
  if (!replayPath) {
    expect(operations).toBeGreaterThanOrEqual(numRuns);
    for (const [name, count] of rootFieldCounts) expect(count, `root field ${name} reached`).toBeGreaterThan(0);
    for (const [caller, seen] of Object.entries(sightings)) {
      for (const typename of ['Project', 'Task', 'TimeEntry', 'Workspace', 'Comment'] as const) {
        expect(seen[typename], `${caller} saw a ${typename}`).toBeGreaterThan(0);
      }
    }
  }
});
