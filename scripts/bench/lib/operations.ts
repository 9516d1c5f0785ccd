// The operations under load: their text lives in ../operations/*.graphql; here each gets the
// viewer who sends it, its variables, and the checks its answer must pass before any load.
import { readFileSync } from 'node:fs';
import type { SeededData } from './seed.js';

export interface Operation {
  name: string;
  file: string;
  query: string;
  token(data: SeededData): string;
  variables(data: SeededData): Record<string, unknown>;
  /** Problems found in the answer's data; empty when it is right. */
  check(result: any, data: SeededData): string[];
}

function load(file: string): string {
  return readFileSync(new URL(`../operations/${file}`, import.meta.url), 'utf8');
}

function expectEqual(problems: string[], what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) problems.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const externalDashboard: Operation = {
  name: 'external-dashboard',
  file: 'external-dashboard.graphql',
  query: load('external-dashboard.graphql'),
  token: (data) => data.assigneeToken,
  variables: () => ({}),
  check(result, data) {
    const problems: string[] = [];
    const workspaces = (result?.viewer?.workspaces ?? []) as any[];
    expectEqual(problems, 'workspaces of the assignee', workspaces.length, 2);
    const placement = workspaces.find((workspace) => workspace.id === data.assignee.placementWorkspaceId);
    const project = placement?.externalProjects?.find((candidate: any) => candidate.id === data.projectId);
    if (!project) return [...problems, 'the shared project is missing from the external projects of the placement workspace'];
    expectEqual(problems, 'host workspace name', project.hostWorkspace?.name, data.hostWorkspace.name);
    expectEqual(problems, 'host workspace logo', project.hostWorkspace?.logoUrl, data.hostWorkspace.logoUrl);
    expectEqual(problems, 'project members', project.members?.length, data.expected.projectMembers);
    expectEqual(problems, 'external members with a home workspace', project.members?.filter((member: any) => member.isExternal && member.homeWorkspace?.name).length, data.expected.externalMembers);
    expectEqual(problems, 'visible task count', project.tasks?.totalCount, data.expected.assigneeTasks);
    expectEqual(problems, 'visible tasks returned', project.tasks?.nodes?.length, data.expected.assigneeTasks);
    const foreign = (project.tasks?.nodes ?? []).filter((task: any) => !task.assignees?.some((assignee: any) => assignee.id === data.assignee.id));
    expectEqual(problems, 'visible tasks not assigned to the assignee', foreign.length, 0);
    expectEqual(problems, 'own time entry count', result?.myTimeEntries?.totalCount, data.expected.assigneeTimeEntries);
    const minutes = ((result?.myTimeEntries?.nodes ?? []) as any[]).reduce((sum, entry) => sum + (entry.durationMinutes ?? 0), 0);
    expectEqual(problems, 'own minutes', minutes, data.expected.assigneeMinutes);
    return problems;
  },
};

const hostProjectPage: Operation = {
  name: 'host-project-page',
  file: 'host-project-page.graphql',
  query: load('host-project-page.graphql'),
  token: (data) => data.hostToken,
  variables: (data) => ({ projectId: data.projectId }),
  check(result, data) {
    const problems: string[] = [];
    const project = result?.project;
    if (!project) return ['the project is null'];
    expectEqual(problems, 'host workspace name', project.hostWorkspace?.name, data.hostWorkspace.name);
    expectEqual(problems, 'members', project.members?.length, data.expected.projectMembers);
    expectEqual(problems, 'external members', project.members?.filter((member: any) => member.isExternal).length, data.expected.externalMembers);
    expectEqual(problems, 'task count', project.tasks?.totalCount, data.expected.projectTasks);
    expectEqual(problems, 'tasks returned', project.tasks?.nodes?.length, Math.min(50, data.expected.projectTasks));
    expectEqual(problems, 'more tasks after the first page', project.tasks?.pageInfo?.hasNextPage, data.expected.projectTasks > 50);
    expectEqual(problems, 'tasks without an assignee', project.tasks?.nodes?.filter((task: any) => !task.assignees?.length).length, 0);
    expectEqual(problems, 'tasks without a status', project.tasks?.nodes?.filter((task: any) => !task.status).length, 0);
    return problems;
  },
};

export const operations: Operation[] = [externalDashboard, hostProjectPage];
