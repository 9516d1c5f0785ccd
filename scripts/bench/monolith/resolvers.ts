// Resolvers of the monolith baseline, for the fields of its SDL (schema.ts). They read through the
// product's per-request loaders and reuse the product's resolvers where those fit one process.
//
// Visibility is decided where an object enters the response, as Tandem decides it:
// - Query.project returns a project only when the viewer's project access lets them see it.
// - Workspace.externalProjects is FORBIDDEN unless the viewer is a member of the workspace.
// - Project.tasks (the product's resolver) lists only the viewer's assigned tasks when their
//   project role limits them to those, and counts only those.
// - Query.myTimeEntries (the product's resolver) returns only the viewer's own entries on
//   projects and tasks they still see.
// Tandem's subgraphs check again on every field of every entity they resolve (graphql-shield),
// because each subgraph learns of an object only from the gateway. In one process every project,
// task and workspace below comes from one of the checked entry points above, so those repeated
// checks would always pass and the monolith leaves them out.
import type { GraphQLFieldResolver } from 'graphql';
import { forbidden, unauthenticated } from '../../../subgraphs/common/errors.js';
import { parseId } from '../../../subgraphs/common/ids.js';
import { DateScalar, DateTimeScalar } from '../../../subgraphs/common/scalars.js';
import type { Viewer } from '../../../subgraphs/common/viewer.js';
import type { AccountRow, WorkspaceRow } from '../../../subgraphs/identity/loaders.js';
import type { ProjectMemberRow, ProjectRow } from '../../../subgraphs/sharing/loaders.js';
import type { TaskRow } from '../../../subgraphs/work/loaders.js';
import { workResolvers } from '../../../subgraphs/work/resolvers.js';
import type { TimeEntryRow } from '../../../subgraphs/work/time/loaders.js';
import { timeFieldResolvers, timeTypeResolvers } from '../../../subgraphs/work/time/resolvers.js';
import type { MonolithContext } from './context.js';

/** An object known only by its ID; its other fields are loaded when a query selects them. */
interface Reference {
  id: string;
}

/** Returns a field resolver of the product's work subgraph, which runs unchanged on a MonolithContext. */
function workResolver(typeName: string, fieldName: string): GraphQLFieldResolver<unknown, MonolithContext> {
  const resolver = (workResolvers[typeName] as Record<string, unknown> | undefined)?.[fieldName];
  if (typeof resolver !== 'function') throw new Error(`The work subgraph has no resolver ${typeName}.${fieldName}.`);
  return resolver as GraphQLFieldResolver<unknown, MonolithContext>;
}

function requireViewer(context: MonolithContext): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

/** Throws when a row that a foreign key guarantees is missing, which the client sees as INTERNAL_SERVER_ERROR. */
function existing<TRow>(row: TRow | null, entity: string, id: string): TRow {
  if (!row) throw new Error(`No ${entity} with ID ${id}, although another row refers to it.`);
  return row;
}

async function loadAccount(id: string, context: MonolithContext): Promise<AccountRow> {
  return existing(await context.identity.accountsById.load(id), 'account', id);
}

async function loadWorkspace(id: string, context: MonolithContext): Promise<WorkspaceRow> {
  return existing(await context.identity.workspacesById.load(id), 'workspace', id);
}

async function projectRow(project: Reference | ProjectRow, context: MonolithContext): Promise<ProjectRow> {
  if ('workspaceId' in project) return project;
  return existing(await context.sharing.projectsById.load(project.id), 'project', project.id);
}

async function taskRow(task: Reference | TaskRow, context: MonolithContext): Promise<TaskRow> {
  if ('title' in task) return task;
  return existing(await context.loaders.tasksById.load(task.id), 'task', task.id);
}

export const monolithResolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  TaskStatus: { TODO: 'todo', IN_PROGRESS: 'in_progress', DONE: 'done', CANCELLED: 'cancelled' },

  Query: {
    viewer: (_parent: unknown, _args: unknown, context: MonolithContext) => (context.viewer ? {} : null),

    project: async (_parent: unknown, { id }: { id: unknown }, context: MonolithContext) => {
      requireViewer(context);
      const projectId = parseId(id, 'id');
      const access = await context.sharing.projectAccessById.load(projectId);
      return access?.canSee ? context.sharing.projectsById.load(projectId) : null;
    },

    myTimeEntries: (parent: unknown, args: Parameters<typeof timeFieldResolvers.Query.myTimeEntries>[1], context: MonolithContext) => {
      requireViewer(context);
      return timeFieldResolvers.Query.myTimeEntries(parent, args, context);
    },
  },

  Viewer: {
    account: (_viewer: unknown, _args: unknown, context: MonolithContext) => loadAccount(requireViewer(context).accountId, context),

    workspaces: async (_viewer: unknown, _args: unknown, context: MonolithContext) => {
      const memberships = await context.identity.membershipsByAccountId.load(requireViewer(context).accountId);
      // These memberships also settle Workspace.externalProjects's check without another statement.
      for (const membership of memberships) context.identity.viewerMembershipByWorkspaceId.prime(membership.workspaceId, membership);
      const workspaces = await Promise.all(memberships.map((membership) => context.identity.workspacesById.load(membership.workspaceId)));
      return workspaces.filter((workspace) => workspace !== null);
    },
  },

  Workspace: {
    externalProjects: async (workspace: WorkspaceRow, _args: unknown, context: MonolithContext) => {
      if (!(await context.identity.viewerMembershipByWorkspaceId.load(workspace.id))) throw forbidden();
      const projects = await context.sharing.viewerExternalProjectsByWorkspaceId.load(workspace.id);
      for (const project of projects) context.sharing.projectsById.prime(project.id, project);
      return projects;
    },
  },

  Project: {
    name: async (project: Reference | ProjectRow, _args: unknown, context: MonolithContext) => (await projectRow(project, context)).name,
    archivedAt: async (project: Reference | ProjectRow, _args: unknown, context: MonolithContext) => (await projectRow(project, context)).archivedAt,
    hostWorkspace: async (project: Reference | ProjectRow, _args: unknown, context: MonolithContext) => loadWorkspace((await projectRow(project, context)).workspaceId, context),
    members: (project: Reference, _args: unknown, context: MonolithContext) => context.sharing.membersByProjectId.load(project.id),

    viewerRole: async (project: Reference, _args: unknown, context: MonolithContext) => {
      const members = await context.sharing.membersByProjectId.load(project.id);
      const own = members.find((member) => member.accountId === context.viewer?.accountId);
      return own ? context.sharing.rolesById.load(own.roleId) : null;
    },

    tasks: workResolver('Project', 'tasks'),
  },

  ProjectMember: {
    account: (member: ProjectMemberRow, _args: unknown, context: MonolithContext) => loadAccount(member.accountId, context),
    role: (member: ProjectMemberRow, _args: unknown, context: MonolithContext) => context.sharing.rolesById.load(member.roleId),
    joinedAt: (member: ProjectMemberRow) => member.createdAt,

    homeWorkspace: async (member: ProjectMemberRow, _args: unknown, context: MonolithContext) =>
      loadWorkspace(member.placementWorkspaceId ?? (await projectRow({ id: member.projectId }, context)).workspaceId, context),
  },

  TaskConnection: {
    nodes: workResolver('TaskConnection', 'nodes'),
    pageInfo: workResolver('TaskConnection', 'pageInfo'),
    totalCount: workResolver('TaskConnection', 'totalCount'),
  },

  Task: {
    title: async (task: Reference | TaskRow, _args: unknown, context: MonolithContext) => (await taskRow(task, context)).title,
    status: async (task: Reference | TaskRow, _args: unknown, context: MonolithContext) => (await taskRow(task, context)).status,
    dueDate: async (task: Reference | TaskRow, _args: unknown, context: MonolithContext) => (await taskRow(task, context)).dueDate,

    assignees: async (task: Reference, _args: unknown, context: MonolithContext) => {
      const assignments = await context.loaders.assigneesByTaskId.load(task.id);
      return Promise.all(assignments.map((assignment) => loadAccount(assignment.accountId, context)));
    },
  },

  TimeEntry: {
    task: (entry: TimeEntryRow): Reference => ({ id: entry.taskId }),
    project: (entry: TimeEntryRow): Reference => ({ id: entry.projectId }),
  },

  TimeEntryConnection: {
    nodes: timeTypeResolvers.TimeEntryConnection.nodes,
    totalCount: timeTypeResolvers.TimeEntryConnection.totalCount,
  },
};
