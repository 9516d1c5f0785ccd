// Sends every operation as every kind of seeded viewer to every target and compares the responses.
// The load runs each operation as one viewer only. This check shows that the targets also apply
// the same visibility rules to the others: what an external collaborator, an external assignee,
// the host admin and an anonymous caller see, and which errors they get.
import { isDeepStrictEqual } from 'node:util';
import { post } from './client.js';
import { operations } from './operations.js';
import type { SeededData } from './seed.js';
import type { RunningTarget } from './targets.js';

/** The part of a response that must match across targets: status, data, and each error's code and path (messages may differ). */
interface Answer {
  status: number;
  data: unknown;
  errors: { code: unknown; path: unknown }[] | undefined;
}

function viewersOf(data: SeededData): [string, string | undefined][] {
  return [
    ['host admin', data.hostToken],
    ['external collaborator', data.collaboratorToken],
    ['external assignee', data.assigneeToken],
    ['anonymous caller', undefined],
  ];
}

/** Returns one line per operation and viewer whose response differs between targets; empty when all agree. */
export async function compareViewers(targets: RunningTarget[], data: SeededData): Promise<string[]> {
  const problems: string[] = [];
  for (const operation of operations) {
    for (const [viewer, token] of viewersOf(data)) {
      let reference: { target: string; answer: Answer } | undefined;
      for (const target of targets) {
        const reply = await post(target.url, operation.query, operation.variables(data), token);
        const answer: Answer = {
          status: reply.status,
          data: reply.body.data,
          errors: reply.body.errors?.map((error) => ({ code: error.extensions?.code, path: (error as { path?: unknown }).path })),
        };
        if (!reference) {
          reference = { target: target.name, answer };
        } else if (!isDeepStrictEqual(answer, reference.answer)) {
          problems.push(`${operation.name} as the ${viewer}: ${target.name} answered ${JSON.stringify(answer).slice(0, 300)}, ${reference.target} ${JSON.stringify(reference.answer).slice(0, 300)}`);
        }
      }
    }
  }
  return problems;
}

/** Counts the operation and viewer pairs that `compareViewers` checks. */
export function viewerPairs(data: SeededData): number {
  return operations.length * viewersOf(data).length;
}
