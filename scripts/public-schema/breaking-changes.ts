import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';

/** A breaking change of the public schema that is made on purpose, as listed in `schema/intended-changes.json`. */
export interface IntendedChange {
  /** The change type that @graphql-inspector/core reports, such as `FIELD_REMOVED`. */
  type: string;
  /** The changed element as @graphql-inspector/core names it, such as `Task.title`; empty for changes without a path. */
  path: string;
  /** The reason for breaking clients, for reviewers and for the release notes. */
  reason: string;
}

/** The result of comparing the current public schema with the baseline. */
export interface BreakingChangeReport {
  /** Breaking changes that no intended change covers; any of them fails the check. */
  unintended: Change[];
  /** Intended changes that match no breaking change, such as entries for a change that was undone; any of them fails the check. */
  unmatched: IntendedChange[];
  /** Changes that break only some clients, such as a new value of an output enum. `npm run compose` prints them as notes. */
  dangerous: Change[];
}

const changeTypes = new Set<string>(Object.values(ChangeType));

const matches = (entry: IntendedChange, change: Change) => entry.type === change.type && entry.path === (change.path ?? '');

/** Compares `current` with `baseline` and sorts the changes by whether they are breaking and intended. */
export async function compareWithBaseline(baseline: GraphQLSchema, current: GraphQLSchema, intended: readonly IntendedChange[]): Promise<BreakingChangeReport> {
  const changes = await diff(baseline, current);
  const breaking = changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking);
  return {
    unintended: breaking.filter((change) => !intended.some((entry) => matches(entry, change))),
    unmatched: intended.filter((entry) => !breaking.some((change) => matches(entry, change))),
    dangerous: changes.filter((change) => change.criticality.level === CriticalityLevel.Dangerous),
  };
}

/** Returns the entry of `schema/intended-changes.json` that marks `change` as intended, with a placeholder reason. */
export function intendedChangeEntry(change: Change): IntendedChange {
  return { type: change.type, path: change.path ?? '', reason: 'Why clients may break, and what they use instead.' };
}

/**
 * Parses the text of `schema/intended-changes.json`: `{ "changes": [{ "type", "path", "reason" }] }`.
 * Throws an error that names the file, the entry and the fix when the text does not have that shape.
 */
export function parseIntendedChanges(text: string, file: string): IntendedChange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); it must be {"changes": [...]}.`);
  }
  const changes = (parsed as { changes?: unknown } | null)?.changes;
  if (!Array.isArray(changes)) throw new Error(`${file} must be an object with a "changes" array, such as {"changes": []}.`);

  return changes.map((entry: unknown, index) => {
    const { type, path, reason } = (entry ?? {}) as Record<string, unknown>;
    const where = `${file}, changes[${index}]`;
    if (typeof type !== 'string' || !changeTypes.has(type)) {
      throw new Error(`${where}: "type" is ${JSON.stringify(type)}, which is not a change type of @graphql-inspector/core; copy the entry that "npm run compose" prints, such as "type": "FIELD_REMOVED".`);
    }
    if (typeof path !== 'string') throw new Error(`${where}: "path" must be a string, such as "Task.title".`);
    if (typeof reason !== 'string' || reason.trim() === '') throw new Error(`${where}: "reason" is missing; say why clients may break and what they use instead.`);
    return { type, path, reason };
  });
}
