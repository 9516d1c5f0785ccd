import type { RequestContext } from './context.js';
import { createProjectAccessLoader, type ProjectAccess } from './project-access.js';

/** Codes of the AccessReasonCode enum that the sharing and work subgraphs both declare. */
export type AccessReasonCode =
  | 'HOST_WORKSPACE_ADMIN'
  | 'PROJECT_MEMBER'
  | 'NOT_A_PROJECT_MEMBER'
  | 'PROJECT_ARCHIVED'
  | 'ROLE_SEES_ALL_TASKS'
  | 'ROLE_LIMITED_TO_ASSIGNED_TASKS'
  | 'ASSIGNED_TO_TASK'
  | 'NOT_ASSIGNED_TO_TASK';

export interface AccessReason {
  code: AccessReasonCode;
  message: string;
}

/** A result of explainProjectAccess or explainTaskAccess, before the member reference is resolved. */
export interface AccessExplanation {
  allowed: boolean;
  reasons: AccessReason[];
  member: { __typename: 'ExplainedProjectMember'; projectId: string; accountId: string };
}

/**
 * Builds the request as `accountId` would send it: same database and log, that account as
 * viewer. Loaders built on it decide exactly as for that account's own requests, so an
 * explanation always agrees with what the graph does.
 */
export function requestAs(context: RequestContext, accountId: string): RequestContext {
  return {
    db: context.db,
    viewer: { accountId, sessionId: context.viewer?.sessionId ?? '', workspaceId: null },
    requestId: context.requestId,
    log: context.log,
    announceSessionChange() {
      // An explanation reads only; it never changes a session.
    },
  };
}

/** Loads what `accountId` may do in each project, with the loader that decides the account's own requests. */
export function createMemberAccessLoader(context: RequestContext, accountId: string) {
  return createProjectAccessLoader(requestAs(context, accountId));
}

/** The reasons that decide whether an account sees a project, given its access as the account's own requests compute it. */
export function projectReasons(access: ProjectAccess | null): AccessReason[] {
  const reasons: AccessReason[] = [];
  if (access?.workspaceRole === 'admin') {
    reasons.push({ code: 'HOST_WORKSPACE_ADMIN', message: 'The account is an admin of the host workspace, so it sees the project and all its tasks.' });
  }
  if (access?.isMember) {
    const kind = access.isExternal ? 'an external member' : 'a member';
    reasons.push({ code: 'PROJECT_MEMBER', message: `The account is ${kind} of the project.` });
  } else if (access?.workspaceRole !== 'admin') {
    reasons.push({ code: 'NOT_A_PROJECT_MEMBER', message: 'The account is not a member of the project nor an admin of its host workspace, so it does not see the project.' });
  }
  if (access?.archived) {
    reasons.push({ code: 'PROJECT_ARCHIVED', message: 'The project is archived: those who see it can still read it, but nobody can change it.' });
  }
  return reasons;
}

export function explainedMember(projectId: string, accountId: string): AccessExplanation['member'] {
  return { __typename: 'ExplainedProjectMember', projectId, accountId };
}
