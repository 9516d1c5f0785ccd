import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import type { SubgraphContext } from '../../common/context.js';
import { parseId } from '../../common/ids.js';
import type { SharingLoaders } from '../loaders.js';
import type { AuditEventPage, AuditEventRow } from './loaders.js';
import { auditListKey, encodeEventCursor, parseEventPageRequest, type AuditFilter } from './pagination.js';

type Context = SubgraphContext<SharingLoaders>;

/** Any JSON value, passed through unchanged. */
export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => valueFromASTUntyped(node, variables),
});

/** GraphQL names of the audit actions, mapped to the values of the database enums of both subgraphs. */
const auditActions = {
  INVITATION_SENT: 'invitation_sent',
  INVITATION_RESENT: 'invitation_resent',
  INVITATION_REVOKED: 'invitation_revoked',
  INVITATION_ACCEPTED: 'invitation_accepted',
  ROLE_CREATED: 'role_created',
  ROLE_UPDATED: 'role_updated',
  ROLE_DELETED: 'role_deleted',
  MEMBER_ADDED: 'member_added',
  MEMBER_ROLE_CHANGED: 'member_role_changed',
  MEMBER_REMOVED: 'member_removed',
  PROJECT_VIEWED_AS: 'project_viewed_as',
  EXTERNAL_INVITATIONS_SWITCHED: 'external_invitations_switched',
  GUEST_MIGRATED: 'guest_migrated',
  INTEGRATION_TOKEN_CREATED: 'integration_token_created',
  INTEGRATION_TOKEN_REVOKED: 'integration_token_revoked',
} as const;

interface AuditLogFilterInput {
  /** Database values, since the AuditAction enum maps each name to one. */
  actions?: string[] | null;
  projectId?: string | null;
  actorId?: string | null;
  targetAccountId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

interface AuditConnectionSource {
  listKey: string;
  page: AuditEventPage;
  hasPreviousPage: boolean;
}

function parseFilter(input: AuditLogFilterInput | null | undefined): AuditFilter {
  const optionalId = (value: string | null | undefined, argument: string) => (value == null ? null : parseId(value, argument));
  return {
    actions: input?.actions ?? null,
    projectId: optionalId(input?.projectId, 'filter.projectId'),
    actorId: optionalId(input?.actorId, 'filter.actorId'),
    targetAccountId: optionalId(input?.targetAccountId, 'filter.targetAccountId'),
    from: input?.from ?? null,
    to: input?.to ?? null,
  };
}

const accountReference = (id: string | null) => (id ? { __typename: 'Account', id } : null);

/** Resolvers of the audit log, spread into the sharing subgraph's resolver map. */
export const auditWorkspaceResolvers = {
  auditLog: async (
    workspace: { id: string },
    args: { first?: unknown; after?: unknown; filter?: AuditLogFilterInput | null },
    context: Context,
  ): Promise<AuditConnectionSource> => {
    const workspaceId = parseId(workspace.id, 'id');
    const filter = parseFilter(args.filter);
    const listKey = auditListKey(workspaceId, filter);
    const request = parseEventPageRequest(listKey, args.first, args.after);
    const page = await context.loaders.auditEventPages.load({ workspaceId, filter, listKey, ...request });
    return { listKey, page, hasPreviousPage: request.after !== null };
  },
};

export const auditTypeResolvers = {
  JSON: JSONScalar,
  AuditAction: auditActions,

  AuditEventConnection: {
    edges: (source: AuditConnectionSource) =>
      source.page.events.map(({ event, position }) => ({ cursor: encodeEventCursor(source.listKey, position), node: event })),
    nodes: (source: AuditConnectionSource) => source.page.events.map(({ event }) => event),
    pageInfo: (source: AuditConnectionSource) => {
      const { events } = source.page;
      return {
        hasNextPage: source.page.hasNextPage,
        hasPreviousPage: source.hasPreviousPage,
        startCursor: events.length > 0 ? encodeEventCursor(source.listKey, events[0]!.position) : null,
        endCursor: events.length > 0 ? encodeEventCursor(source.listKey, events[events.length - 1]!.position) : null,
      };
    },
  },

  AuditEvent: {
    occurredAt: (event: AuditEventRow) => event.createdAt,
    actor: (event: AuditEventRow) => accountReference(event.actorAccountId),
    targetAccount: (event: AuditEventRow) => accountReference(event.targetAccountId),
    // Null when the project was deleted since, or when the viewer may not see it.
    project: async (event: AuditEventRow, _args: unknown, context: Context) => {
      if (!event.projectId) return null;
      const access = await context.loaders.projectAccessById.load(event.projectId);
      return access?.canSee ? context.loaders.projectsById.load(event.projectId) : null;
    },
  },
};
