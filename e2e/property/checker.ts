import type { GraphQLResponse } from '../harness.js';
import type { IdKind } from './generator.js';
import type { CallerView } from './seed.js';

/** One object in a response that the caller should not have received. */
export interface Violation {
  path: string;
  typename: string;
  id: string;
  reason: string;
}

/** Counts of the checked types found in responses, visible ones included, to show that the run was not empty. */
export type Sightings = Record<'Project' | 'Task' | 'TimeEntry' | 'Workspace' | 'Invitation' | 'Comment', number>;

export function emptySightings(): Sightings {
  return { Project: 0, Task: 0, TimeEntry: 0, Workspace: 0, Invitation: 0, Comment: 0 };
}

const checkedTypes: Record<keyof Sightings, { kind: IdKind; allowed: (view: CallerView) => Set<string> }> = {
  Project: { kind: 'project', allowed: (view) => view.projects },
  Task: { kind: 'task', allowed: (view) => view.tasks },
  TimeEntry: { kind: 'timeEntry', allowed: (view) => view.timeEntries },
  Workspace: { kind: 'workspace', allowed: (view) => view.workspaces },
  Invitation: { kind: 'invitation', allowed: (view) => view.invitations },
  Comment: { kind: 'comment', allowed: (view) => view.comments },
};

/** Error codes that mean the response is broken or the generator built an invalid operation. */
const failingCodes = new Set(['INTERNAL_SERVER_ERROR', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']);

/**
 * Checks one response for `view`: every Project, Task, TimeEntry, Workspace, Invitation and Comment in its
 * data must be one the caller may see, and no error may be internal or a rejected operation.
 * Adds the objects it finds to `sightings`.
 */
export function checkResponse(response: GraphQLResponse, view: CallerView, known: Record<IdKind, Set<string>>, sightings: Sightings): Violation[] {
  const violations: Violation[] = [];
  if (response.status >= 500) violations.push({ path: '(http)', typename: '-', id: '-', reason: `HTTP status ${response.status}` });
  for (const error of response.errors ?? []) {
    const code = String(error.extensions?.code ?? 'NO_CODE');
    if (failingCodes.has(code)) {
      violations.push({ path: (error.path ?? []).join('.'), typename: '-', id: '-', reason: `error ${code}: ${error.message}` });
    }
  }

  function walk(value: unknown, path: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${path}[${index}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const typename = record.__typename;
    if (typeof typename === 'string' && typename in checkedTypes) {
      const rule = checkedTypes[typename as keyof Sightings];
      const id = record.id;
      sightings[typename as keyof Sightings] += 1;
      if (typeof id !== 'string') {
        violations.push({ path, typename, id: String(id), reason: 'object without its id' });
      } else if (!known[rule.kind].has(id)) {
        violations.push({ path, typename, id, reason: `${typename} that the seed did not create` });
      } else if (!rule.allowed(view).has(id)) {
        violations.push({ path, typename, id, reason: `${typename} outside what the ${view.label} may see` });
      }
    }
    for (const [key, child] of Object.entries(record)) walk(child, path ? `${path}.${key}` : key);
  }
  walk(response.data, '');
  return violations;
}
