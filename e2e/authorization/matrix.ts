import { randomBytes } from 'node:crypto';
import { invitationTokenFor, invite, roles } from '../sharing-builders.js';
import { logTime } from '../time-builders.js';
import { freshHostMember, mutate, unique, viewerKinds, type World } from './world.js';
import { createProject, signUp } from '../builders.js';
import { createPrivateTask, schedule, sharePrivateTask } from '../private-builders.js';

// The authorization matrix: what each kind of viewer gets from every root field, every mutation
// and every field of every object type of the composed API. matrix.test.ts walks the API schema
// and fails on any type or field missing here.
//
// A cell is an outcome:
//   'data'   a value: not null, and for a list not empty;
//   'empty'  an empty list;
//   'null'   null without an error;
//   { equals } exactly that value;
//   any other string: the `extensions.code` of a GraphQL error at that path, or for a mutation
//   the code of its first user error.

export type ViewerKind = 'hostAdmin' | 'editor' | 'hostOutsider' | 'collaborator' | 'assignee' | 'removed' | 'stranger' | 'anonymous';
export type Outcome = 'data' | 'empty' | 'null' | (string & {}) | { equals: unknown };
export type Cells = Record<ViewerKind, Outcome>;

/** Named sets of viewer kinds, so that a row names the rule rather than eight cells. */
const groups = {
  all: viewerKinds,
  signedIn: viewerKinds.filter((kind) => kind !== 'anonymous'),
  /** Members of the host workspace. */
  hostMembers: ['hostAdmin', 'editor', 'hostOutsider'],
  /** Those who see the project: its members and the host admin. */
  seers: ['hostAdmin', 'editor', 'collaborator', 'assignee'],
  /** Signed in, but not seeing the project. */
  outside: ['hostOutsider', 'removed', 'stranger'],
  externals: ['collaborator', 'assignee'],
  /** Those who manage the project's members: the host admin and the editor. */
  managers: ['hostAdmin', 'editor'],
  /** Those whose session is in a workspace of their own, of which they are admin. */
  ownWorkspace: ['collaborator', 'assignee', 'removed', 'stranger'],
} as const satisfies Record<string, readonly ViewerKind[]>;

type CellSpec = Partial<Record<keyof typeof groups | ViewerKind, Outcome>>;

/** Expands a spec into one cell per viewer kind: `all` first, then `signedIn`, then the other groups in order, then single kinds. */
export function cells(spec: CellSpec): Cells {
  const result: Partial<Cells> = {};
  const keys = Object.keys(spec) as (keyof CellSpec)[];
  const rank = (key: keyof CellSpec) => (key === 'all' ? 0 : key === 'signedIn' ? 1 : key in groups ? 2 : 3);
  for (const key of [...keys].sort((a, b) => rank(a) - rank(b))) {
    const kinds: readonly ViewerKind[] = key in groups ? groups[key as keyof typeof groups] : [key as ViewerKind];
    for (const kind of kinds) result[kind] = spec[key]!;
  }
  const missing = viewerKinds.filter((kind) => !(kind in result));
  if (missing.length > 0) throw new Error(`cells(${JSON.stringify(spec)}) leaves out ${missing.join(', ')}`);
  return result as Cells;
}

/** A way a client reaches objects of a type: a root selection with SEL where the fields go, and the path to the object. */
export interface Route {
  query: (world: World) => string;
  path: (string | number)[];
  /** What each viewer finds at `path`; only where it is 'data' are the fields checked. */
  reach: Cells;
}

/** One seeded object of a type, or one position of it, with the outcome of each field per viewer. */
export interface Target {
  name: string;
  routes: Route[];
  /** The representation with which `_entities` fetches the object from each subgraph that resolves the type. */
  entity?: (world: World) => Record<string, unknown>;
  /** What each viewer gets as the entity from `_entities`; defaults to 'data' for all. A reference resolved to null hides the object. */
  entityReach?: Cells;
  /** Outcome of every field unless `overrides` names it. */
  fields: Cells;
  overrides?: Record<string, Cells>;
}

export type TypeRow =
  | { fields: string; targets: Target[] }
  /** Payload types: every mutation cell selects all their fields, so the mutation rows decide them. */
  | { fields: string; viaMutations: true };

const quote = JSON.stringify;

// Reaching the seeded objects --------------------------------------------------------------

/** `project(id:)` of the host project: seen by its members and the host admin, null for others. */
const projectReach = cells({ seers: 'data', outside: 'null', anonymous: 'UNAUTHENTICATED' });
const viaProject = (inner: string, path: (string | number)[], reach: Cells = projectReach): Route => ({
  query: (world) => `project(id: ${quote(world.projectId)}) { ${inner} }`,
  path: ['project', ...path],
  reach,
});
const viaTask = (taskOf: (world: World) => string, inner: string, path: (string | number)[], reach: Cells): Route => ({
  query: (world) => `task(id: ${quote(taskOf(world))}) { ${inner} }`,
  path: ['task', ...path],
  reach,
});
const viaCurrentWorkspace = (inner: string, path: (string | number)[], reach: Cells): Route => ({
  query: () => `viewer { currentWorkspace { ${inner} } }`,
  path: ['viewer', 'currentWorkspace', ...path],
  reach,
});
/** The host admin's audit log, as the host workspace of the project shows it. */
const auditLogReach = cells({ seers: 'FORBIDDEN', hostAdmin: 'data', outside: 'null', anonymous: 'UNAUTHENTICATED' });
const removalFilter = `filter: { actions: [MEMBER_REMOVED] }`;
/** The time report of January 2030, which contains the host admin's one entry. */
const januaryReport = '(from: "2030-01-01", to: "2030-01-31")';
const reportReach = cells({ signedIn: 'empty', managers: 'data', anonymous: 'null' });

/** Arguments of fields that require them, by `Type.field`, for the selections that the matrix builds. */
export const fieldArguments: Record<string, string> = { 'Workspace.timeReport': januaryReport };

/** `_entities` resolves the reference only for those who see the project, and to null for others. */
const seersData = cells({ all: 'null', seers: 'data' });
/** A denied entity field: FORBIDDEN for everyone who may not see the object. */
const seersOnly = cells({ seers: 'data', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' });
const signedInData = cells({ signedIn: 'data', anonymous: 'UNAUTHENTICATED' });
/** The seed's comments mention the editor and both external members; the assignee was also assigned. */
const notifiedReach = cells({ signedIn: 'empty', editor: 'data', externals: 'data', anonymous: 'UNAUTHENTICATED' });

/** `privateTask(id:)` of the host admin's private task: its owner and the editor it is shared with. */
const privateTaskReach = cells({ signedIn: 'null', hostAdmin: 'data', editor: 'data', anonymous: 'UNAUTHENTICATED' });
const privateListReach = cells({ signedIn: 'empty', hostAdmin: 'data', editor: 'data', anonymous: 'UNAUTHENTICATED' });
const privateTaskSeers = cells({ all: 'FORBIDDEN', hostAdmin: 'data', editor: 'data' });
/** The viewer's calendar for January 2030, which holds the host admin's two seeded entries. */
const calendarQuery = (inner: string) => (world: World) => `myCalendar(from: ${quote(world.calendarFrom)}, to: ${quote(world.calendarTo)}) { ${inner} }`;

// Object types -----------------------------------------------------------------------------

export const typeRows: Record<string, TypeRow> = {
  Account: {
    fields: 'id name email avatarUrl createdAt isIntegration',
    targets: [
      {
        name: 'the host admin',
        routes: [viaProject('createdBy { SEL }', ['createdBy'])],
        entity: (world) => ({ __typename: 'Account', id: world.accounts.hostAdmin.id }),
        fields: signedInData,
        overrides: {
          // Only the account itself and those who share a workspace or a project with it.
          email: cells({ seers: 'data', hostOutsider: 'data', removed: 'FORBIDDEN', stranger: 'FORBIDDEN', anonymous: 'UNAUTHENTICATED' }),
          avatarUrl: cells({ signedIn: 'null', anonymous: 'UNAUTHENTICATED' }),
        },
      },
    ],
  },
  Workspace: {
    fields: 'id name logoUrl viewerRole members plan externalInvitationsEnabled createdAt projects externalProjects projectOverview projectRoles auditLog timeReport integrationTokens',
    targets: [
      {
        name: 'the host workspace',
        routes: [viaProject('hostWorkspace { SEL }', ['hostWorkspace'])],
        entity: (world) => ({ __typename: 'Workspace', id: world.hostWorkspaceId }),
        fields: signedInData,
        overrides: {
          viewerRole: cells({ hostMembers: 'data', ownWorkspace: 'null', anonymous: 'UNAUTHENTICATED' }),
          members: cells({ all: 'FORBIDDEN', hostMembers: 'data', anonymous: 'UNAUTHENTICATED' }),
          plan: cells({ all: 'FORBIDDEN', hostMembers: 'data', anonymous: 'UNAUTHENTICATED' }),
          externalInvitationsEnabled: cells({ all: 'FORBIDDEN', hostMembers: 'data', anonymous: 'UNAUTHENTICATED' }),
          projects: cells({ all: 'FORBIDDEN', managers: 'data', hostOutsider: 'empty', anonymous: 'UNAUTHENTICATED' }),
          externalProjects: cells({ all: 'FORBIDDEN', hostMembers: 'empty', anonymous: 'UNAUTHENTICATED' }),
          projectOverview: cells({ all: 'FORBIDDEN', managers: 'data', hostOutsider: 'empty', anonymous: 'UNAUTHENTICATED' }),
          projectRoles: cells({ all: 'FORBIDDEN', hostMembers: 'data', anonymous: 'UNAUTHENTICATED' }),
          auditLog: cells({ all: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
          timeReport: cells({ all: 'FORBIDDEN', hostMembers: 'data', anonymous: 'UNAUTHENTICATED' }),
          integrationTokens: cells({ all: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
        },
      },
      {
        name: "the viewer's current workspace",
        routes: [{ query: () => 'viewer { currentWorkspace { SEL } }', path: ['viewer', 'currentWorkspace'], reach: cells({ signedIn: 'data', anonymous: 'null' }) }],
        fields: cells({ signedIn: 'data', anonymous: 'UNAUTHENTICATED' }),
        overrides: {
          logoUrl: cells({ hostMembers: 'data', ownWorkspace: 'null', anonymous: 'UNAUTHENTICATED' }),
          projects: cells({ all: 'empty', managers: 'data' }),
          externalProjects: cells({ all: 'empty', externals: 'data' }),
          projectOverview: cells({ all: 'empty', seers: 'data' }),
          // Host members who are not admins may not read their workspace's log; everyone else here is an admin.
          auditLog: cells({ all: 'data', editor: 'FORBIDDEN', hostOutsider: 'FORBIDDEN' }),
          // Every account here administers its current workspace but the two host members; only the host has a token.
          integrationTokens: cells({ all: 'empty', hostAdmin: 'data', editor: 'FORBIDDEN', hostOutsider: 'FORBIDDEN' }),
        },
      },
    ],
  },
  Project: {
    fields: 'id name hostWorkspace archivedAt members invitations viewerRole viewerIsExternal viewerIsMember createdBy createdAt tasks timeEntries comments mentionableMembers activity',
    targets: [
      {
        name: 'the host project',
        routes: [viaProject('SEL', []), { query: (world) => `task(id: ${quote(world.visibleTaskId)}) { project { SEL } }`, path: ['task', 'project'], reach: projectReach }],
        entity: (world) => ({ __typename: 'Project', id: world.projectId }),
        entityReach: seersData,
        fields: seersOnly,
        overrides: {
          archivedAt: cells({ seers: 'null', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' }),
          invitations: cells({ all: 'FORBIDDEN', managers: 'data' }),
          viewerIsExternal: cells({ all: 'FORBIDDEN', managers: { equals: false }, externals: { equals: true } }),
          viewerIsMember: cells({ all: 'FORBIDDEN', seers: { equals: true } }),
        },
      },
    ],
  },
  Task: {
    fields: 'id project title description status dueDate assignees assignments createdBy createdAt updatedAt timeEntries comments activity viewerIsFollowing followers',
    targets: [
      {
        name: 'the task assigned to the assignee',
        routes: [
          viaTask((world) => world.visibleTaskId, 'SEL', [], projectReach),
          viaProject('tasks { nodes { SEL } }', ['tasks', 'nodes', 0]),
        ],
        entity: (world) => ({ __typename: 'Task', id: world.visibleTaskId }),
        entityReach: seersData,
        fields: seersOnly,
        overrides: {
          // External members see only their own time; the one entry is the host admin's.
          timeEntries: cells({ managers: 'data', externals: 'empty', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' }),
        },
      },
      {
        name: 'the unassigned task',
        routes: [viaTask((world) => world.hiddenTaskId, 'SEL', [], cells({ seers: 'data', assignee: 'null', outside: 'null', anonymous: 'UNAUTHENTICATED' }))],
        entity: (world) => ({ __typename: 'Task', id: world.hiddenTaskId }),
        entityReach: cells({ all: 'null', seers: 'data', assignee: 'null' }),
        fields: cells({ seers: 'data', assignee: 'FORBIDDEN', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' }),
        overrides: {
          assignees: cells({ seers: 'empty', assignee: 'FORBIDDEN', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' }),
          assignments: cells({ seers: 'empty', assignee: 'FORBIDDEN', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' }),
          timeEntries: cells({ seers: 'empty', assignee: 'FORBIDDEN', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' }),
          // No account was assigned to it or commented on it.
          followers: cells({ seers: 'empty', assignee: 'FORBIDDEN', outside: 'FORBIDDEN', anonymous: 'FORBIDDEN' }),
        },
      },
    ],
  },
  TimeEntry: {
    fields: 'id task project account ownerWorkspace entryDate durationMinutes startedAt isRunning note createdBy createdAt updatedAt',
    targets: [
      {
        name: "the host admin's entry on the assigned task",
        routes: [
          viaTask((world) => world.visibleTaskId, 'timeEntries { SEL }', ['timeEntries', 0], cells({ managers: 'data', externals: 'empty', outside: 'null', anonymous: 'UNAUTHENTICATED' })),
          viaProject('timeEntries { nodes { SEL } }', ['timeEntries', 'nodes', 0], cells({ managers: 'data', externals: 'empty', outside: 'null', anonymous: 'UNAUTHENTICATED' })),
        ],
        entity: (world) => ({ __typename: 'TimeEntry', id: world.timeEntryId }),
        entityReach: cells({ all: 'null', managers: 'data' }),
        fields: cells({ all: 'FORBIDDEN', managers: 'data' }),
        overrides: { startedAt: cells({ all: 'FORBIDDEN', managers: 'null' }) },
      },
    ],
  },
  ExplainedProjectMember: {
    fields: 'projectId accountId isMember isExternal roleId roleName',
    targets: [
      {
        name: 'the collaborator in the host project',
        routes: [
          {
            query: (world) => `explainProjectAccess(projectId: ${quote(world.projectId)}, accountId: ${quote(world.accounts.collaborator.id)}) { member { SEL } }`,
            path: ['explainProjectAccess', 'member'],
            reach: cells({ signedIn: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
          },
        ],
        entity: (world) => ({ __typename: 'ExplainedProjectMember', projectId: world.projectId, accountId: world.accounts.collaborator.id }),
        fields: cells({ all: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
      },
    ],
  },
  AccessExplanation: {
    fields: 'allowed reasons member',
    targets: [
      {
        name: 'of the project, for the collaborator',
        routes: [
          {
            query: (world) => `explainProjectAccess(projectId: ${quote(world.projectId)}, accountId: ${quote(world.accounts.collaborator.id)}) { SEL }`,
            path: ['explainProjectAccess'],
            reach: cells({ signedIn: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
          },
          {
            query: (world) => `explainTaskAccess(taskId: ${quote(world.hiddenTaskId)}, accountId: ${quote(world.accounts.assignee.id)}) { SEL }`,
            path: ['explainTaskAccess'],
            reach: cells({ signedIn: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
          },
        ],
        fields: cells({ all: 'data' }),
      },
    ],
  },
  AccessReason: {
    fields: 'code message',
    targets: [
      {
        name: 'first reason',
        routes: [
          {
            query: (world) => `explainProjectAccess(projectId: ${quote(world.projectId)}, accountId: ${quote(world.accounts.collaborator.id)}) { reasons { SEL } }`,
            path: ['explainProjectAccess', 'reasons', 0],
            reach: cells({ signedIn: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
          },
        ],
        fields: cells({ all: 'data' }),
      },
    ],
  },
  AuditEventConnection: {
    fields: 'edges nodes pageInfo',
    targets: [{ name: "the host workspace's log", routes: [viaProject(`hostWorkspace { auditLog(${removalFilter}) { SEL } }`, ['hostWorkspace', 'auditLog'], auditLogReach)], fields: cells({ all: 'data' }) }],
  },
  AuditEventEdge: {
    fields: 'cursor node',
    targets: [{ name: 'newest edge', routes: [viaProject(`hostWorkspace { auditLog(${removalFilter}) { edges { SEL } } }`, ['hostWorkspace', 'auditLog', 'edges', 0], auditLogReach)], fields: cells({ all: 'data' }) }],
  },
  AuditEvent: {
    fields: 'id action occurredAt actor project targetAccount targetEmail targetId before after',
    targets: [
      {
        name: 'the removal of the removed member',
        routes: [viaProject(`hostWorkspace { auditLog(${removalFilter}) { nodes { SEL } } }`, ['hostWorkspace', 'auditLog', 'nodes', 0], auditLogReach)],
        fields: cells({ all: 'data' }),
        overrides: { targetEmail: cells({ all: 'null' }), targetId: cells({ all: 'null' }), after: cells({ all: 'null' }) },
      },
    ],
  },
  Invitation: {
    fields: 'id email role status expiresAt invitedBy sentCount lastSentAt acceptedBy acceptedAt revokedAt createdAt',
    targets: [
      {
        name: 'the pending invitation',
        routes: [viaProject('invitations { SEL }', ['invitations', 0], cells({ managers: 'data', externals: 'FORBIDDEN', outside: 'null', anonymous: 'UNAUTHENTICATED' }))],
        fields: cells({ all: 'data' }),
        overrides: { acceptedBy: cells({ all: 'null' }), acceptedAt: cells({ all: 'null' }), revokedAt: cells({ all: 'null' }) },
      },
    ],
  },
  InvitationPreview: {
    fields: 'projectName hostWorkspaceName hostWorkspaceLogoUrl inviterName roleName email expiresAt emailHasAccount',
    targets: [
      {
        name: 'of the pending invitation',
        routes: [{ query: (world) => `invitationPreview(token: ${quote(world.pendingInvitationToken)}) { SEL }`, path: ['invitationPreview'], reach: cells({ all: 'data' }) }],
        fields: cells({ all: 'data' }),
      },
    ],
  },
  PageInfo: {
    fields: 'hasNextPage hasPreviousPage startCursor endCursor',
    targets: [{ name: 'of the project tasks', routes: [viaProject('tasks { pageInfo { SEL } }', ['tasks', 'pageInfo'])], fields: cells({ all: 'data' }) }],
  },
  TaskConnection: {
    fields: 'edges nodes pageInfo totalCount',
    targets: [
      {
        name: 'the project tasks',
        routes: [viaProject('tasks { SEL }', ['tasks'])],
        fields: cells({ all: 'data' }),
        // The assignee's list holds only the task assigned to them.
        overrides: { totalCount: cells({ all: { equals: 2 }, assignee: { equals: 1 } }) },
      },
    ],
  },
  TaskEdge: {
    fields: 'cursor node',
    targets: [{ name: 'first task edge', routes: [viaProject('tasks { edges { SEL } }', ['tasks', 'edges', 0])], fields: cells({ all: 'data' }) }],
  },
  TaskAssignment: {
    fields: 'account isProjectMember assignedAt',
    targets: [
      {
        name: "the assignee's assignment",
        routes: [viaTask((world) => world.visibleTaskId, 'assignments { SEL }', ['assignments', 0], projectReach)],
        fields: cells({ all: 'data' }),
        overrides: { isProjectMember: cells({ all: { equals: true } }) },
      },
    ],
  },
  TimeEntryConnection: {
    fields: 'edges nodes pageInfo totalCount',
    targets: [
      {
        name: 'the project time entries',
        routes: [viaProject('timeEntries { SEL }', ['timeEntries'])],
        fields: cells({ all: 'data', externals: 'empty' }),
        overrides: { pageInfo: cells({ all: 'data' }), totalCount: cells({ all: { equals: 1 }, externals: { equals: 0 } }) },
      },
    ],
  },
  TimeEntryEdge: {
    fields: 'cursor node',
    targets: [
      {
        name: 'first entry edge',
        routes: [viaProject('timeEntries { edges { SEL } }', ['timeEntries', 'edges', 0], cells({ managers: 'data', externals: 'empty', outside: 'null', anonymous: 'UNAUTHENTICATED' }))],
        fields: cells({ all: 'data' }),
      },
    ],
  },
  ProjectMember: {
    fields: 'account isExternal role homeWorkspace isAssignable isMentionable joinedAt',
    targets: [{ name: 'the host admin as first member', routes: [viaProject('members { SEL }', ['members', 0])], fields: cells({ all: 'data' }) }],
  },
  ProjectRole: {
    fields: 'id name isBuiltIn appliesToExternal canEditProject canManageMembers seesAllTasks canEditTasks canTrackTime canOpenSettings canDeleteTasks canComment canSeeOthersTime',
    targets: [
      { name: "the viewer's role in the project", routes: [viaProject('viewerRole { SEL }', ['viewerRole'])], fields: cells({ all: 'data' }) },
      {
        name: 'first role of the current workspace',
        routes: [viaCurrentWorkspace('projectRoles { SEL }', ['projectRoles', 0], cells({ signedIn: 'data', anonymous: 'null' }))],
        fields: cells({ all: 'data' }),
      },
    ],
  },
  ProjectOverviewEntry: {
    fields: 'project isExternal',
    targets: [
      {
        name: 'first entry of the current workspace',
        routes: [viaCurrentWorkspace('projectOverview { SEL }', ['projectOverview', 0], cells({ seers: 'data', outside: 'empty', anonymous: 'null' }))],
        fields: cells({ all: 'data' }),
        overrides: { isExternal: cells({ all: { equals: false }, externals: { equals: true } }) },
      },
    ],
  },
  Viewer: {
    fields: 'account currentWorkspace workspaces',
    targets: [{ name: 'the viewer', routes: [{ query: () => 'viewer { SEL }', path: ['viewer'], reach: cells({ signedIn: 'data', anonymous: 'null' }) }], fields: cells({ all: 'data' }) }],
  },
  WorkspaceMember: {
    fields: 'account role joinedAt',
    targets: [
      { name: 'first member of the current workspace', routes: [viaCurrentWorkspace('members { SEL }', ['members', 0], cells({ signedIn: 'data', anonymous: 'null' }))], fields: cells({ all: 'data' }) },
      {
        name: 'first member of the host workspace',
        routes: [viaProject('hostWorkspace { members { SEL } }', ['hostWorkspace', 'members', 0], cells({ managers: 'data', externals: 'FORBIDDEN', outside: 'null', anonymous: 'UNAUTHENTICATED' }))],
        fields: cells({ all: 'data' }),
      },
    ],
  },
  PrivateTask: {
    fields: 'id title description status dueDate owner workspace viewerIsOwner sharedWith createdAt updatedAt',
    targets: [
      {
        name: "the host admin's private task, shared with the editor",
        routes: [
          { query: (world) => `privateTask(id: ${quote(world.privateTaskId)}) { SEL }`, path: ['privateTask'], reach: privateTaskReach },
          { query: () => 'myPrivateTasks { nodes { SEL } }', path: ['myPrivateTasks', 'nodes', 0], reach: privateListReach },
          { query: calendarQuery('privateTask { SEL }'), path: ['myCalendar', 1, 'privateTask'], reach: cells({ all: 'empty', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }) },
        ],
        fields: privateTaskSeers,
        overrides: { viewerIsOwner: cells({ all: 'FORBIDDEN', hostAdmin: { equals: true }, editor: { equals: false } }) },
      },
    ],
  },
  PrivateTaskConnection: {
    fields: 'edges nodes pageInfo totalCount',
    targets: [
      {
        name: "the viewer's private tasks",
        routes: [{ query: () => 'myPrivateTasks { SEL }', path: ['myPrivateTasks'], reach: signedInData }],
        fields: cells({ all: 'data' }),
        overrides: { edges: cells({ all: 'empty', hostAdmin: 'data', editor: 'data' }), nodes: cells({ all: 'empty', hostAdmin: 'data', editor: 'data' }) },
      },
    ],
  },
  PrivateTaskEdge: {
    fields: 'cursor node',
    targets: [{ name: 'newest edge', routes: [{ query: () => 'myPrivateTasks { edges { SEL } }', path: ['myPrivateTasks', 'edges', 0], reach: privateListReach }], fields: cells({ all: 'data' }) }],
  },
  CalendarEntry: {
    fields: 'id task privateTask start end createdAt updatedAt',
    targets: [
      {
        name: "the host admin's entry for the assigned task",
        routes: [{ query: calendarQuery('SEL'), path: ['myCalendar', 0], reach: cells({ all: 'empty', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }) }],
        fields: cells({ all: 'data' }),
        overrides: { privateTask: cells({ all: 'null' }) },
      },
      {
        name: "the host admin's entry for the private task",
        routes: [{ query: calendarQuery('SEL'), path: ['myCalendar', 1], reach: cells({ all: 'empty', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }) }],
        fields: cells({ all: 'data' }),
        overrides: { task: cells({ all: 'null' }) },
      },
    ],
  },
  Comment: {
    fields: 'id project task author body isInternal mentions createdAt updatedAt',
    targets: [
      {
        name: 'the public comment on the host project',
        routes: [viaProject('comments { nodes { SEL } }', ['comments', 'nodes', 0])],
        fields: cells({ all: 'data' }),
        overrides: { task: cells({ all: 'null' }), isInternal: cells({ all: { equals: false } }) },
      },
      {
        name: 'the internal comment on the host project',
        // Oldest first: second for internal viewers, and left out for external members.
        routes: [viaProject('comments { nodes { SEL } }', ['comments', 'nodes', 1], cells({ managers: 'data', externals: 'empty', outside: 'null', anonymous: 'UNAUTHENTICATED' }))],
        fields: cells({ all: 'data' }),
        overrides: { task: cells({ all: 'null' }), isInternal: cells({ all: { equals: true } }) },
      },
      {
        name: 'the public comment on the assigned task',
        routes: [viaTask((world) => world.visibleTaskId, 'comments { nodes { SEL } }', ['comments', 'nodes', 0], projectReach)],
        fields: cells({ all: 'data' }),
        overrides: { isInternal: cells({ all: { equals: false } }) },
      },
      {
        name: 'the internal comment on the assigned task',
        routes: [
          viaTask((world) => world.visibleTaskId, 'comments { nodes { SEL } }', ['comments', 'nodes', 1], cells({ managers: 'data', externals: 'empty', outside: 'null', anonymous: 'UNAUTHENTICATED' })),
        ],
        fields: cells({ all: 'data' }),
        overrides: { isInternal: cells({ all: { equals: true } }) },
      },
    ],
  },
  CommentConnection: {
    fields: 'edges nodes pageInfo totalCount',
    targets: [
      {
        name: "the host project's comments",
        routes: [viaProject('comments { SEL }', ['comments'])],
        fields: cells({ all: 'data' }),
        // External members do not count the internal comment.
        overrides: { totalCount: cells({ all: { equals: 2 }, externals: { equals: 1 } }) },
      },
      {
        name: "the assigned task's comments",
        routes: [viaTask((world) => world.visibleTaskId, 'comments { SEL }', ['comments'], projectReach)],
        fields: cells({ all: 'data' }),
        overrides: { totalCount: cells({ all: { equals: 2 }, externals: { equals: 1 } }) },
      },
    ],
  },
  CommentEdge: {
    fields: 'cursor node',
    targets: [{ name: 'oldest comment edge of the host project', routes: [viaProject('comments { edges { SEL } }', ['comments', 'edges', 0])], fields: cells({ all: 'data' }) }],
  },
  ActivityEvent: {
    fields: 'id kind occurredAt actor project task comment account fromStatus toStatus fromDueDate toDueDate durationMinutes',
    targets: [
      {
        name: "the host project's newest event: the removal of a member",
        routes: [viaProject('activity { nodes { SEL } }', ['activity', 'nodes', 0])],
        fields: cells({ all: 'null' }),
        overrides: {
          id: cells({ all: 'data' }),
          kind: cells({ all: { equals: 'MEMBER_REMOVED' } }),
          occurredAt: cells({ all: 'data' }),
          actor: cells({ all: 'data' }),
          project: cells({ all: 'data' }),
          account: cells({ all: 'data' }),
        },
      },
      {
        // Internal members see the internal comment last; external members the public one before it.
        name: "the assigned task's newest event: a comment",
        routes: [viaTask((world) => world.visibleTaskId, 'activity { nodes { SEL } }', ['activity', 'nodes', 0], projectReach)],
        fields: cells({ all: 'null' }),
        overrides: {
          id: cells({ all: 'data' }),
          kind: cells({ all: { equals: 'COMMENTED' } }),
          occurredAt: cells({ all: 'data' }),
          actor: cells({ all: 'data' }),
          project: cells({ all: 'data' }),
          task: cells({ all: 'data' }),
          comment: cells({ all: 'data' }),
        },
      },
    ],
  },
  ActivityConnection: {
    fields: 'edges nodes pageInfo',
    targets: [
      { name: "the host project's history", routes: [viaProject('activity { SEL }', ['activity'])], fields: cells({ all: 'data' }) },
      { name: "the assigned task's history", routes: [viaTask((world) => world.visibleTaskId, 'activity { SEL }', ['activity'], projectReach)], fields: cells({ all: 'data' }) },
    ],
  },
  ActivityEdge: {
    fields: 'cursor node',
    targets: [{ name: "newest edge of the host project's history", routes: [viaProject('activity { edges { SEL } }', ['activity', 'edges', 0])], fields: cells({ all: 'data' }) }],
  },
  Notification: {
    fields: 'id kind actor project task comment status createdAt readAt',
    targets: [
      {
        // The host admin's mentions: the collaborator in a project comment, the assignee and the editor in task comments.
        name: "the viewer's newest notification",
        routes: [{ query: () => 'notifications { nodes { SEL } }', path: ['notifications', 'nodes', 0], reach: notifiedReach }],
        fields: cells({ all: 'data' }),
        overrides: {
          kind: cells({ all: { equals: 'MENTIONED' } }),
          task: cells({ all: 'data', collaborator: 'null' }),
          status: cells({ all: 'null' }),
          readAt: cells({ all: 'null' }),
        },
      },
    ],
  },
  NotificationConnection: {
    fields: 'edges nodes pageInfo unreadCount',
    targets: [
      {
        name: "the viewer's notifications",
        routes: [{ query: () => 'notifications { SEL }', path: ['notifications'], reach: signedInData }],
        fields: cells({ all: 'data' }),
        overrides: {
          edges: cells({ all: 'empty', editor: 'data', externals: 'data' }),
          nodes: cells({ all: 'empty', editor: 'data', externals: 'data' }),
          unreadCount: cells({ all: { equals: 0 }, editor: { equals: 2 }, collaborator: { equals: 1 }, assignee: { equals: 2 } }),
        },
      },
    ],
  },
  NotificationEdge: {
    fields: 'cursor node',
    targets: [{ name: "the viewer's newest notification edge", routes: [{ query: () => 'notifications { edges { SEL } }', path: ['notifications', 'edges', 0], reach: notifiedReach }], fields: cells({ all: 'data' }) }],
  },
  NotificationSetting: {
    fields: 'kind inApp email',
    targets: [{ name: "the viewer's first setting", routes: [{ query: () => 'notificationSettings { SEL }', path: ['notificationSettings', 0], reach: signedInData }], fields: cells({ all: 'data' }) }],
  },
  FollowTaskPayload: { fields: 'task userErrors', viaMutations: true },
  MarkNotificationsReadPayload: { fields: 'notifications unreadCount userErrors', viaMutations: true },
  MarkAllNotificationsReadPayload: { fields: 'markedCount unreadCount', viaMutations: true },
  NotificationSettingsPayload: { fields: 'settings userErrors', viaMutations: true },
  IntegrationToken: {
    fields: 'id name scopes secretPrefix account createdBy createdAt lastUsedAt revokedAt persistedOperations',
    targets: [
      {
        name: "the host workspace's token",
        routes: [viaCurrentWorkspace('integrationTokens { SEL }', ['integrationTokens', 0], cells({ all: 'empty', hostAdmin: 'data', editor: 'FORBIDDEN', hostOutsider: 'FORBIDDEN', anonymous: 'null' }))],
        fields: cells({ all: 'data' }),
        overrides: { lastUsedAt: cells({ all: 'null' }), revokedAt: cells({ all: 'null' }) },
      },
    ],
  },
  PersistedOperation: {
    fields: 'id name type body',
    targets: [
      {
        name: "the host token's registered operation",
        routes: [
          viaCurrentWorkspace(
            'integrationTokens { persistedOperations { SEL } }',
            ['integrationTokens', 0, 'persistedOperations', 0],
            cells({ all: 'empty', hostAdmin: 'data', editor: 'FORBIDDEN', hostOutsider: 'FORBIDDEN', anonymous: 'null' }),
          ),
        ],
        fields: cells({ all: 'data' }),
      },
    ],
  },
  RegisterPersistedOperationsPayload: { fields: 'integrationToken userErrors', viaMutations: true },
  CreateIntegrationTokenPayload: { fields: 'integrationToken secret userErrors', viaMutations: true },
  IntegrationTokenPayload: { fields: 'integrationToken userErrors', viaMutations: true },
  TimeReport: {
    fields: 'from to totalMinutes byProject byPerson rows',
    targets: [
      {
        name: "January 2030 of the viewer's current workspace",
        routes: [viaCurrentWorkspace(`timeReport${januaryReport} { SEL }`, ['timeReport'], cells({ signedIn: 'data', anonymous: 'null' }))],
        fields: cells({ all: 'data' }),
        // The host admin's 45 minutes show to those who see others' time in the host project.
        overrides: {
          byProject: cells({ all: 'empty', managers: 'data' }),
          byPerson: cells({ all: 'empty', managers: 'data' }),
          rows: cells({ all: 'empty', managers: 'data' }),
        },
      },
    ],
  },
  TimeReportProjectTotal: {
    fields: 'project totalMinutes',
    targets: [{ name: 'the host project in January 2030', routes: [viaCurrentWorkspace(`timeReport${januaryReport} { byProject { SEL } }`, ['timeReport', 'byProject', 0], reportReach)], fields: cells({ all: 'data' }) }],
  },
  TimeReportPersonTotal: {
    fields: 'account isExternal totalMinutes',
    targets: [{ name: 'the host admin in January 2030', routes: [viaCurrentWorkspace(`timeReport${januaryReport} { byPerson { SEL } }`, ['timeReport', 'byPerson', 0], reportReach)], fields: cells({ all: 'data' }) }],
  },
  TimeReportRow: {
    fields: 'project task account isExternal totalMinutes',
    targets: [{ name: "the host admin's time on the assigned task", routes: [viaCurrentWorkspace(`timeReport${januaryReport} { rows { SEL } }`, ['timeReport', 'rows', 0], reportReach)], fields: cells({ all: 'data' }) }],
  },
  CommentPayload: { fields: 'comment userErrors', viaMutations: true },
  CalendarEntryPayload: { fields: 'calendarEntry userErrors', viaMutations: true },
  PrivateTaskPayload: { fields: 'privateTask userErrors', viaMutations: true },
  AcceptInvitationPayload: { fields: 'project placementWorkspace userErrors', viaMutations: true },
  InvitationPayload: { fields: 'invitation userErrors', viaMutations: true },
  LogOutPayload: { fields: 'loggedOut', viaMutations: true },
  ProjectMemberPayload: { fields: 'project userErrors', viaMutations: true },
  ProjectPayload: { fields: 'project userErrors', viaMutations: true },
  ProjectRolePayload: { fields: 'role userErrors', viaMutations: true },
  SignInPayload: { fields: 'accessToken expiresAt account currentWorkspace userErrors', viaMutations: true },
  SwitchWorkspacePayload: { fields: 'viewer userErrors', viaMutations: true },
  TaskPayload: { fields: 'task userErrors', viaMutations: true },
  TimeEntryPayload: { fields: 'timeEntry userErrors', viaMutations: true },
  UserError: { fields: 'code field message', viaMutations: true },
  WorkspaceMemberPayload: { fields: 'member userErrors', viaMutations: true },
  WorkspacePayload: { fields: 'workspace userErrors', viaMutations: true },
};

// Root query fields ------------------------------------------------------------------------

export interface QueryCase {
  name: string;
  /** The field's arguments, without parentheses; empty for none. */
  args: (world: World) => string;
  expect: Cells;
}

const explainReach = cells({ signedIn: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' });

export const queryRows: Record<string, QueryCase[]> = {
  viewer: [{ name: 'viewer', args: () => '', expect: cells({ signedIn: 'data', anonymous: 'null' }) }],
  project: [{ name: 'the host project', args: (world) => `id: ${quote(world.projectId)}`, expect: projectReach }],
  projects: [{ name: 'of the current workspace', args: () => '', expect: cells({ signedIn: 'empty', managers: 'data', anonymous: 'UNAUTHENTICATED' }) }],
  invitationPreview: [{ name: 'of the pending invitation', args: (world) => `token: ${quote(world.pendingInvitationToken)}`, expect: cells({ all: 'data' }) }],
  explainProjectAccess: [{ name: 'the collaborator in the project', args: (world) => `projectId: ${quote(world.projectId)}, accountId: ${quote(world.accounts.collaborator.id)}`, expect: explainReach }],
  task: [
    { name: 'the assigned task', args: (world) => `id: ${quote(world.visibleTaskId)}`, expect: projectReach },
    { name: 'the unassigned task', args: (world) => `id: ${quote(world.hiddenTaskId)}`, expect: cells({ seers: 'data', assignee: 'null', outside: 'null', anonymous: 'UNAUTHENTICATED' }) },
  ],
  myTimeEntries: [{ name: 'own entries', args: () => '', expect: signedInData }],
  notifications: [{ name: 'own notifications', args: () => '', expect: signedInData }],
  notificationSettings: [{ name: 'own settings', args: () => '', expect: signedInData }],
  myPrivateTasks: [{ name: 'own and shared', args: () => '', expect: signedInData }],
  privateTask: [{ name: "the host admin's private task", args: (world) => `id: ${quote(world.privateTaskId)}`, expect: privateTaskReach }],
  myCalendar: [
    {
      name: 'January 2030',
      args: (world) => `from: ${quote(world.calendarFrom)}, to: ${quote(world.calendarTo)}`,
      expect: cells({ signedIn: 'empty', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  explainTaskAccess: [{ name: 'the assignee and the unassigned task', args: (world) => `taskId: ${quote(world.hiddenTaskId)}, accountId: ${quote(world.accounts.assignee.id)}`, expect: explainReach }],
};

// Mutations --------------------------------------------------------------------------------

/** What one mutation cell sends: its input, and the token when it is not the viewer's own. */
export interface MutationCall {
  input?: Record<string, unknown>;
  token?: string | undefined;
}

export interface MutationCase {
  name: string;
  /** Builds valid input aimed at the seeded host project or task, creating what the call consumes. */
  call: (world: World, kind: ViewerKind, token: string | undefined) => Promise<MutationCall> | MutationCall;
  expect: Cells;
  /** Undoes what a successful call changed that later cells rely on. */
  after?: (world: World, kind: ViewerKind) => Promise<void>;
}

// Every rule tells an anonymous caller to sign in (UNAUTHENTICATED) wherever it would tell a
// signed-in one FORBIDDEN, as the schema documents.

/** Denied to all but the host admin: the workspace-admin rules. */
const hostAdminOnly = cells({ all: 'FORBIDDEN', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' });
/** Denied to all but those who manage the project's members. */
const managersOnly = cells({ all: 'FORBIDDEN', managers: 'data', anonymous: 'UNAUTHENTICATED' });
/** Allowed to everyone who may edit or track on the assigned task. */
const taskWorkers = cells({ all: 'FORBIDDEN', seers: 'data', anonymous: 'UNAUTHENTICATED' });

const hostAdminToken = (world: World) => world.accounts.hostAdmin.token;
const freshInvitation = async (world: World) => (await invite(world.graph, hostAdminToken(world), world.projectId, `${unique('invitee')}@example.com`)).invitationId;

/** Changes to the host admin's private task: its owner may, the editor it is shared with only reads it, and others do not see it. */
const privateTaskOwnerOnly = cells({ signedIn: 'PRIVATE_TASK_NOT_FOUND', hostAdmin: 'data', editor: 'NOT_PRIVATE_TASK_OWNER', anonymous: 'UNAUTHENTICATED' });
/** Only the entry's owner finds it. */
const calendarOwnerOnly = cells({ signedIn: 'CALENDAR_ENTRY_NOT_FOUND', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' });

/** Mutation cells run in this order, each row for every viewer kind before the next row. */
export const mutationRows: Record<string, MutationCase[]> = {
  signUp: [
    {
      name: 'a new address',
      call: () => ({ input: { name: 'New Person', email: `${unique('new')}@example.com`, password: 'long enough password' } }),
      expect: cells({ all: 'data' }),
    },
  ],
  logIn: [
    {
      name: "the viewer's own credentials, or another account's for the anonymous caller",
      call: (world, kind) => ({ input: { email: world.accounts[kind === 'anonymous' ? 'stranger' : kind].email, password: 'long enough password' } }),
      expect: cells({ all: 'data' }),
    },
  ],
  logOut: [
    {
      name: 'a second session of the viewer',
      call: async (world, kind) => {
        if (kind === 'anonymous') return {};
        const data = await world.graph.request(`mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }`, {
          input: { email: world.accounts[kind].email, password: 'long enough password' },
        });
        return { token: data.data.logIn.accessToken as string };
      },
      expect: cells({ signedIn: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  switchWorkspace: [
    {
      name: 'to the host workspace',
      call: (world) => ({ input: { workspaceId: world.hostWorkspaceId } }),
      expect: cells({ signedIn: 'WORKSPACE_NOT_FOUND', hostMembers: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  createWorkspace: [{ name: 'a new workspace', call: () => ({ input: { name: unique('Workspace') } }), expect: signedInData }],
  renameWorkspace: [{ name: 'the host workspace, same name', call: (world) => ({ input: { workspaceId: world.hostWorkspaceId, name: 'Hana Host\'s workspace' } }), expect: hostAdminOnly }],
  setWorkspaceLogo: [{ name: 'the host workspace, same logo', call: (world) => ({ input: { workspaceId: world.hostWorkspaceId, logoUrl: world.logoUrl } }), expect: hostAdminOnly }],
  addWorkspaceMember: [
    {
      name: 'a new account to the host workspace',
      call: async (world) => ({ input: { workspaceId: world.hostWorkspaceId, email: (await signUp(world.graph, 'Wanda Joiner')).email, role: 'MEMBER' } }),
      expect: hostAdminOnly,
    },
  ],
  setExternalInvitationsEnabled: [{ name: 'the host workspace, left on', call: (world) => ({ input: { workspaceId: world.hostWorkspaceId, enabled: true } }), expect: hostAdminOnly }],
  createProject: [{ name: 'in the current workspace', call: () => ({ input: { name: unique('Project') } }), expect: signedInData }],
  renameProject: [{ name: 'the host project, same name', call: (world) => ({ input: { projectId: world.projectId, name: world.projectName } }), expect: managersOnly }],
  archiveProject: [{ name: 'the host project', call: (world) => ({ input: { projectId: world.projectId } }), expect: managersOnly }],
  // Runs right after archiveProject and restores the project for every later row.
  unarchiveProject: [{ name: 'the host project', call: (world) => ({ input: { projectId: world.projectId } }), expect: managersOnly }],
  addProjectMember: [
    {
      name: 'a new host member to the host project',
      call: async (world) => ({ input: { projectId: world.projectId, accountId: (await freshHostMember(world, 'Pia Joiner')).id } }),
      expect: managersOnly,
    },
  ],
  removeProjectMember: [
    {
      name: 'a new member of the host project',
      call: async (world) => {
        const member = await freshHostMember(world, 'Rudi Leaver');
        await mutate(world.graph, hostAdminToken(world), 'addProjectMember', 'ProjectMemberInput', { projectId: world.projectId, accountId: member.id }, 'project { id }');
        return { input: { projectId: world.projectId, accountId: member.id } };
      },
      expect: managersOnly,
    },
  ],
  inviteExternalMember: [
    {
      name: 'a new address to the host project',
      call: (world) => ({ input: { projectId: world.projectId, email: `${unique('guest')}@example.com`, roleId: roles.externalCollaborator } }),
      expect: managersOnly,
    },
  ],
  resendInvitation: [{ name: 'a new pending invitation', call: async (world) => ({ input: { invitationId: await freshInvitation(world) } }), expect: managersOnly }],
  revokeInvitation: [{ name: 'a new pending invitation', call: async (world) => ({ input: { invitationId: await freshInvitation(world) } }), expect: managersOnly }],
  acceptInvitation: [
    {
      name: "someone else's invitation to the host project",
      call: async (world) => ({ input: { token: (await invite(world.graph, hostAdminToken(world), world.projectId, `${unique('other')}@example.com`)).token } }),
      expect: cells({ signedIn: 'INVITATION_EMAIL_MISMATCH', anonymous: 'UNAUTHENTICATED' }),
    },
    {
      name: 'an invitation to the viewer, to a new project of the host workspace',
      call: async (world, kind) => {
        const projectId = await createProject(world.graph, hostAdminToken(world), unique('Invited project'));
        const email = kind === 'anonymous' ? `${unique('anon')}@example.com` : world.accounts[kind].email;
        const data = await world.graph.request(
          `mutation($input: InviteExternalMemberInput!) { inviteExternalMember(input: $input) { userErrors { code } } }`,
          { input: { projectId, email, roleId: roles.externalCollaborator } },
          hostAdminToken(world),
        );
        // The host admin is a member of every new project, so inviting them fails; they send a token of no invitation.
        if (data.data?.inviteExternalMember.userErrors.length) return { input: { token: randomBytes(32).toString('base64url') } };
        // createWorkspace gave every viewer a second workspace, so the placement is named.
        const placementWorkspaceId = kind === 'anonymous' ? undefined : world.accounts[kind].ownWorkspaceId;
        return { input: { token: await invitationTokenFor(world.graph, email), placementWorkspaceId } };
      },
      expect: cells({ signedIn: 'data', hostAdmin: 'INVITATION_NOT_FOUND', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  createProjectRole: [
    { name: 'in the host workspace', call: (world) => ({ input: { workspaceId: world.hostWorkspaceId, name: unique('Role'), appliesToExternal: false } }), expect: hostAdminOnly },
  ],
  updateProjectRole: [{ name: 'the custom role, same name', call: (world) => ({ input: { roleId: world.customRoleId, name: world.customRoleName } }), expect: hostAdminOnly }],
  deleteProjectRole: [
    {
      name: 'a new custom role',
      call: async (world) => {
        const created = await mutate(world.graph, hostAdminToken(world), 'createProjectRole', 'CreateProjectRoleInput', { workspaceId: world.hostWorkspaceId, name: unique('Doomed'), appliesToExternal: false }, 'role { id }');
        return { input: { roleId: created.role.id } };
      },
      expect: hostAdminOnly,
    },
  ],
  setProjectMemberRole: [
    { name: 'the editor, to the role they hold', call: (world) => ({ input: { projectId: world.projectId, accountId: world.accounts.editor.id, roleId: roles.editor } }), expect: managersOnly },
  ],
  createTask: [{ name: 'in the host project', call: (world) => ({ input: { projectId: world.projectId, title: unique('Task') } }), expect: taskWorkers }],
  updateTask: [{ name: 'the assigned task, same title', call: (world) => ({ input: { taskId: world.visibleTaskId, title: 'Assigned task' } }), expect: taskWorkers }],
  assignTask: [{ name: 'the editor to the assigned task', call: (world) => ({ input: { taskId: world.visibleTaskId, accountId: world.accounts.editor.id } }), expect: taskWorkers }],
  // Runs right after assignTask and takes the editor off the task again.
  unassignTask: [{ name: 'the editor from the assigned task', call: (world) => ({ input: { taskId: world.visibleTaskId, accountId: world.accounts.editor.id } }), expect: taskWorkers }],
  logTime: [{ name: 'own time on the assigned task', call: (world) => ({ input: { taskId: world.visibleTaskId, entryDate: '2030-01-03', durationMinutes: 15 } }), expect: taskWorkers }],
  startTimer: [{ name: 'on the assigned task', call: (world) => ({ input: { taskId: world.visibleTaskId } }), expect: taskWorkers }],
  // Runs right after startTimer: those whose timer started stop it.
  stopTimer: [{ name: 'own timer', call: () => ({}), expect: cells({ signedIn: 'NO_TIMER_RUNNING', seers: 'data', anonymous: 'UNAUTHENTICATED' }) }],
  deleteTimeEntry: [
    {
      name: "a new entry of the host admin's on the assigned task",
      call: async (world) => ({ input: { timeEntryId: await logTime(world.graph, hostAdminToken(world), { taskId: world.visibleTaskId, entryDate: '2030-01-04', durationMinutes: 5 }) } }),
      // An entry the viewer may not see is reported as not found, as an ID of no entry would be.
      expect: cells({ signedIn: 'TIME_ENTRY_NOT_FOUND', managers: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  createPrivateTask: [{ name: 'in the current workspace', call: () => ({ input: { title: unique('Private') } }), expect: signedInData }],
  updatePrivateTask: [{ name: "the host admin's private task, same title", call: (world) => ({ input: { privateTaskId: world.privateTaskId, title: world.privateTaskTitle } }), expect: privateTaskOwnerOnly }],
  // The host admin's cell runs first and shares the task with the host outsider, who from then on reads it but may not share it.
  sharePrivateTask: [
    {
      name: "the host admin's private task with the host outsider",
      call: (world) => ({ input: { privateTaskId: world.privateTaskId, accountId: world.accounts.hostOutsider.id } }),
      expect: cells({ signedIn: 'PRIVATE_TASK_NOT_FOUND', hostAdmin: 'data', editor: 'NOT_PRIVATE_TASK_OWNER', hostOutsider: 'NOT_PRIVATE_TASK_OWNER', anonymous: 'UNAUTHENTICATED' }),
    },
    {
      name: "the host admin's private task with the external collaborator",
      call: (world) => ({ input: { privateTaskId: world.privateTaskId, accountId: world.accounts.collaborator.id } }),
      expect: cells({ signedIn: 'PRIVATE_TASK_NOT_FOUND', hostAdmin: 'NOT_A_WORKSPACE_MEMBER', editor: 'NOT_PRIVATE_TASK_OWNER', hostOutsider: 'NOT_PRIVATE_TASK_OWNER', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  // Runs right after sharePrivateTask and takes the host outsider off the private task again.
  unsharePrivateTask: [{ name: "the host admin's private task from the host outsider", call: (world) => ({ input: { privateTaskId: world.privateTaskId, accountId: world.accounts.hostOutsider.id } }), expect: privateTaskOwnerOnly }],
  deletePrivateTask: [
    {
      name: 'a new private task of the host admin, shared with the editor',
      call: async (world) => {
        const privateTaskId = await createPrivateTask(world.graph, hostAdminToken(world), { title: unique('Doomed private') });
        await sharePrivateTask(world.graph, hostAdminToken(world), privateTaskId, world.accounts.editor.id);
        return { input: { privateTaskId } };
      },
      expect: privateTaskOwnerOnly,
    },
  ],
  createComment: [
    { name: 'a public comment on the host project', call: (world) => ({ input: { projectId: world.projectId, body: unique('Comment') } }), expect: taskWorkers },
    { name: 'a public comment on the assigned task', call: (world) => ({ input: { taskId: world.visibleTaskId, body: unique('Comment') } }), expect: taskWorkers },
    // External members may not write internal comments.
    { name: 'an internal comment on the host project', call: (world) => ({ input: { projectId: world.projectId, body: unique('Internal'), isInternal: true } }), expect: managersOnly },
  ],
  updateComment: [
    {
      name: "the host admin's public comment, same text",
      call: (world) => ({ input: { commentId: world.projectCommentId, body: 'Welcome, @Cleo' } }),
      expect: cells({ signedIn: 'COMMENT_NOT_FOUND', hostAdmin: 'data', editor: 'NOT_COMMENT_AUTHOR', externals: 'NOT_COMMENT_AUTHOR', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  deleteComment: [
    {
      name: "a new public comment of the editor's",
      call: async (world) => {
        const created = await mutate(world.graph, world.accounts.editor.token, 'createComment', 'CreateCommentInput', { projectId: world.projectId, body: unique('Doomed comment') }, 'comment { id }');
        return { input: { commentId: created.comment.id } };
      },
      // The author and the host admin may delete it; others who see it are told they are not its author.
      expect: cells({ signedIn: 'COMMENT_NOT_FOUND', hostAdmin: 'data', editor: 'data', externals: 'NOT_COMMENT_AUTHOR', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  createIntegrationToken: [
    { name: 'in the host workspace', call: (world) => ({ input: { workspaceId: world.hostWorkspaceId, name: unique('Token'), scopes: ['READ'] } }), expect: hostAdminOnly },
  ],
  registerPersistedOperations: [
    {
      name: "the host token's manifest, again",
      call: async (world) => {
        const data = await world.graph.request('{ viewer { currentWorkspace { integrationTokens { id } } } }', {}, hostAdminToken(world));
        return { input: { integrationTokenId: data.data.viewer.currentWorkspace.integrationTokens.at(-1).id, manifest: world.manifest } };
      },
      expect: cells({ signedIn: 'INTEGRATION_TOKEN_NOT_FOUND', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  revokeIntegrationToken: [
    {
      name: 'a new token of the host workspace',
      call: async (world) => {
        const created = await mutate(world.graph, hostAdminToken(world), 'createIntegrationToken', 'CreateIntegrationTokenInput', { workspaceId: world.hostWorkspaceId, name: unique('Token'), scopes: ['READ'] }, 'integrationToken { id }');
        return { input: { integrationTokenId: created.integrationToken.id } };
      },
      expect: cells({ signedIn: 'INTEGRATION_TOKEN_NOT_FOUND', hostAdmin: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  followTask: [{ name: 'the assigned task', call: (world) => ({ input: { taskId: world.visibleTaskId } }), expect: cells({ all: 'TASK_NOT_FOUND', seers: 'data', anonymous: 'UNAUTHENTICATED' }) }],
  unfollowTask: [{ name: 'the assigned task', call: (world) => ({ input: { taskId: world.visibleTaskId } }), expect: cells({ all: 'TASK_NOT_FOUND', seers: 'data', anonymous: 'UNAUTHENTICATED' }) }],
  markNotificationsRead: [
    {
      name: "the collaborator's newest notification",
      call: async (world) => {
        const list = await world.graph.request('{ notifications(first: 1) { nodes { id } } }', {}, world.accounts.collaborator.token);
        return { input: { notificationIds: [list.data.notifications.nodes[0].id] } };
      },
      expect: cells({ signedIn: 'NOTIFICATION_NOT_FOUND', collaborator: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  markAllNotificationsRead: [{ name: 'own notifications', call: () => ({}), expect: signedInData }],
  updateNotificationSettings: [
    { name: 'comments in the app only', call: () => ({ input: { settings: [{ kind: 'COMMENTED', inApp: true, email: false }] } }), expect: signedInData },
  ],
  scheduleTask: [
    {
      name: 'the assigned task',
      call: (world) => ({ input: { taskId: world.visibleTaskId, start: '2030-02-02T09:00:00.000Z', end: '2030-02-02T10:00:00.000Z' } }),
      expect: cells({ all: 'TASK_NOT_FOUND', seers: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
    {
      name: "the host admin's private task",
      call: (world) => ({ input: { privateTaskId: world.privateTaskId, start: '2030-02-03T09:00:00.000Z', end: '2030-02-03T10:00:00.000Z' } }),
      expect: cells({ all: 'PRIVATE_TASK_NOT_FOUND', hostAdmin: 'data', editor: 'data', anonymous: 'UNAUTHENTICATED' }),
    },
  ],
  rescheduleCalendarEntry: [
    {
      name: "the host admin's entry, same times",
      call: (world) => ({ input: { calendarEntryId: world.calendarEntryId, start: world.calendarEntryStart, end: world.calendarEntryEnd } }),
      expect: calendarOwnerOnly,
    },
  ],
  unscheduleCalendarEntry: [
    {
      name: 'a new entry of the host admin',
      call: async (world) => ({
        input: { calendarEntryId: await schedule(world.graph, hostAdminToken(world), { taskId: world.visibleTaskId, start: '2030-02-04T09:00:00.000Z', end: '2030-02-04T10:00:00.000Z' }) },
      }),
      expect: calendarOwnerOnly,
    },
  ],
};
