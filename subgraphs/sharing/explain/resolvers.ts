import type { SubgraphContext } from '../../common/context.js';
import { createMemberAccessLoader, explainedMember, projectReasons, type AccessExplanation } from '../../common/access-explanation.js';
import { parseId } from '../../common/ids.js';
import { accessRule, isAuthenticated } from '../../common/shield.js';
import { forbidden, unauthenticated } from '../../common/errors.js';
import type { SharingLoaders } from '../loaders.js';

type Context = SubgraphContext<SharingLoaders>;

interface MemberKey {
  projectId: string;
  accountId: string;
}

/** Whether the viewer is an admin of the host workspace of the project; false for a project that does not exist. */
async function isHostAdmin(projectId: string, context: Context): Promise<boolean> {
  return (await context.loaders.projectAccessById.load(projectId))?.workspaceRole === 'admin';
}

/** Explains whether `accountId` sees the project, with the same access loader that decides that account's own requests. */
export async function explainProjectAccess(projectId: string, accountId: string, context: Context): Promise<AccessExplanation> {
  const access = await createMemberAccessLoader(context, accountId).load(projectId);
  return { allowed: access?.canSee === true, reasons: projectReasons(access), member: explainedMember(projectId, accountId) };
}

async function membershipOf(key: MemberKey, context: Context) {
  const members = await context.loaders.membersByProjectId.load(key.projectId);
  return members.find((member) => member.accountId === key.accountId.toLowerCase()) ?? null;
}

export const explainFieldResolvers = {
  Query: {
    explainProjectAccess: (_parent: unknown, args: { projectId: string; accountId: string }, context: Context) =>
      explainProjectAccess(parseId(args.projectId, 'projectId'), parseId(args.accountId, 'accountId'), context),
  },
};

export const explainTypeResolvers = {
  ExplainedProjectMember: {
    __resolveReference: (reference: MemberKey) => reference,
    isMember: async (key: MemberKey, _args: unknown, context: Context) => (await membershipOf(key, context)) !== null,
    isExternal: async (key: MemberKey, _args: unknown, context: Context) => (await membershipOf(key, context))?.isExternal ?? false,
    roleId: async (key: MemberKey, _args: unknown, context: Context) => (await membershipOf(key, context))?.roleId ?? null,
    roleName: async (key: MemberKey, _args: unknown, context: Context) => {
      const membership = await membershipOf(key, context);
      return membership ? ((await context.loaders.rolesById.load(membership.roleId))?.name ?? null) : null;
    },
  },
};

/** Allows an admin of the host workspace of the project that the `projectId` argument names. */
const isHostAdminOfArgumentProject = accessRule<Context>('isHostAdminOfArgumentProject', 'strict', async (_parent, args, context) => {
  if (!context.viewer) return unauthenticated();
  parseId(args.accountId, 'accountId');
  return (await isHostAdmin(parseId(args.projectId, 'projectId'), context)) ? true : forbidden();
});

/** Allows an admin of the host workspace of the parent's project. */
const isHostAdminOfParentProject = accessRule<Context>('isHostAdminOfParentProject', 'strict', async (parent, _args, context) =>
  typeof parent?.projectId === 'string' && (await isHostAdmin(parseId(parent.projectId, 'projectId'), context)) ? true : forbidden(),
);

/** Shield rules of the explain root fields; spread into the sharing rule map's Query. */
export const explainFieldRules = {
  Query: { explainProjectAccess: isHostAdminOfArgumentProject },
};

/** Shield rules of the explain types. Explanations are reachable only through the guarded root field; the member entity checks its project itself. */
export const explainTypeRules = {
  AccessExplanation: isAuthenticated,
  AccessReason: isAuthenticated,
  ExplainedProjectMember: isHostAdminOfParentProject,
};
