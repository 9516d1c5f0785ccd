import { GraphQLError } from 'graphql';

/**
 * Codes of GraphQL errors (`errors[].extensions.code`) that may reach a client. Any
 * other error is masked as INTERNAL_SERVER_ERROR before it leaves a subgraph or the gateway.
 */
export const errorCodes = {
  UNAUTHENTICATED: 'The request carries no valid access token, or the operation needs one.',
  FORBIDDEN: 'The viewer may not read this field or run this operation.',
  BAD_USER_INPUT: 'An argument or variable is malformed, such as an ID that is not a UUID or an invalid cursor.',
  BAD_REQUEST: 'The HTTP request is not a GraphQL request: wrong method, content type or JSON body.',
  GRAPHQL_PARSE_FAILED: 'The operation text is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: 'The operation does not match the schema.',
  PERSISTED_QUERY_NOT_FOUND: 'The persisted query hash is unknown; send the query text with it.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Persisted queries are not enabled on this server.',
  PERSISTED_QUERY_NOT_IN_LIST: "The operation id is not in the caller's safelist of persisted operations.",
  OPERATION_NOT_IN_SAFELIST: "The operation text is not in the caller's safelist of persisted operations; send a registered operation.",
  OPERATION_RESOLUTION_FAILURE: 'The request names an operation that the document does not contain.',
  REQUEST_BODY_TOO_LARGE: 'The request body is larger than the server accepts.',
  MAX_TOKENS_EXCEEDED: 'The operation text has more lexical tokens than the gateway accepts.',
  MAX_DEPTH_EXCEEDED: 'The operation nests fields deeper than the gateway accepts.',
  MAX_ALIASES_EXCEEDED: 'The operation uses more aliases than the gateway accepts.',
  MAX_ROOT_FIELDS_EXCEEDED: 'The operation selects more root fields than the gateway accepts.',
  MAX_EXPANSION_EXCEEDED: 'The operation, with its fragments expanded, has more selections than the gateway accepts.',
  QUERY_COST_EXCEEDED: 'The estimated cost of the operation is higher than the gateway accepts for one operation.',
  COST_BUDGET_EXHAUSTED: "The caller's cost budget holds fewer points than the operation costs; it refills over time.",
  INVITATION_NOT_FOUND: 'No invitation matches this token.',
  INVITATION_ALREADY_ACCEPTED: 'The invitation was already accepted.',
  INVITATION_REVOKED: 'The invitation was revoked or replaced by a newer one.',
  INVITATION_EXPIRED: 'The invitation expired; ask the project for a new one.',
  INTERNAL_SERVER_ERROR: 'An unexpected fault; the server logged it with the request id.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * Codes of `userErrors[].code` in mutation payloads: outcomes the caller can fix by
 * changing the input. The GraphQL enum `UserErrorCode` of each subgraph lists the
 * codes that subgraph returns, with these descriptions.
 */
export const userErrorCodes = {
  INVALID_INPUT: 'A field of the input is out of range or badly formatted.',
  EMAIL_TAKEN: 'An account with this e-mail address already exists.',
  INVALID_CREDENTIALS: 'The e-mail address or the password is wrong.',
  TOO_MANY_ATTEMPTS: 'Too many failed sign-ins for this e-mail address; wait before trying again.',
  WORKSPACE_NOT_FOUND: 'No workspace with this ID exists among the viewer\'s workspaces.',
  ACCOUNT_NOT_FOUND: 'No account with this e-mail address or ID exists.',
  ALREADY_WORKSPACE_MEMBER: 'The account is already a member of the workspace.',
  NO_CURRENT_WORKSPACE: 'The session has no current workspace; switch to one first.',
  PROJECT_ARCHIVED: 'The project is archived, so it can no longer be changed.',
  NOT_A_WORKSPACE_MEMBER: "The account is not a member of the workspace in question: the project's host workspace, or the workspace of a private task.",
  ALREADY_PROJECT_MEMBER: 'The account is already a member of the project.',
  NOT_A_PROJECT_MEMBER: 'The account is not a member of the project.',
  TIMER_ALREADY_RUNNING: 'The viewer already has a running timer; stop it with stopTimer first.',
  NO_TIMER_RUNNING: 'The viewer has no running timer.',
  TIME_ENTRY_NOT_FOUND: 'No time entry with this ID exists that the viewer may see.',
  TASK_NOT_ASSIGNED: 'The account\'s project role limits them to the tasks they are assigned to, and they are not assigned to this task.',
  LAST_PROJECT_MEMBER: 'The project\'s last member cannot be removed.',
  ROLE_NOT_FOR_EXTERNALS: 'The project role does not exist in this workspace or cannot be given to external members.',
  ALREADY_INVITED: 'An open invitation for this e-mail address and project exists; resend it instead.',
  EXTERNAL_INVITATIONS_DISABLED: 'The host workspace has switched new external invitations off.',
  INVITATION_NOT_FOUND: 'No invitation matches this token or ID.',
  INVITATION_ALREADY_ACCEPTED: 'The invitation was already accepted.',
  INVITATION_REVOKED: 'The invitation was revoked or replaced by a newer one.',
  INVITATION_EXPIRED: 'The invitation expired; ask the project for a new one.',
  INVITATION_EMAIL_MISMATCH: 'The signed-in account\'s e-mail address is not the invited one.',
  PLACEMENT_REQUIRED: 'The viewer belongs to several workspaces, so the placement workspace must be named.',
  ROLE_NOT_FOUND: "No project role with this ID exists in the project's workspace.",
  ROLE_ONLY_FOR_EXTERNALS: 'The project role applies to external members, so an internal member cannot hold it.',
  ROLE_NAME_TAKEN: 'The workspace already has a project role with this name.',
  ROLE_SCOPE_FIXED: 'Whether a project role applies to external members cannot change after it is created.',
  ROLE_BUILT_IN: 'Built-in project roles cannot be changed or deleted.',
  ROLE_IN_USE: 'Members or invitations still hold the project role, so a replacement role is needed.',
  INVALID_REPLACEMENT_ROLE: 'The replacement role is missing from the workspace, is the same role, or differs in whether it applies to external members.',
  PRIVATE_TASK_NOT_FOUND: 'No private task with this ID exists that the viewer may see.',
  NOT_PRIVATE_TASK_OWNER: "Only the private task's owner may change, delete or share it.",
  PRIVATE_SHARING_NOT_IN_PLAN: "The workspace's plan does not include sharing private tasks; any paid plan or a trial does.",
  TASK_NOT_FOUND: 'No task with this ID exists that the viewer may see.',
  CALENDAR_ENTRY_NOT_FOUND: "No calendar entry with this ID exists in the viewer's calendar for a task the viewer may still see.",
  COMMENT_NOT_FOUND: 'No comment with this ID exists that the viewer may see.',
  NOT_COMMENT_AUTHOR: "Only the comment's author may change it, and only its author or an admin of the project's host workspace may delete it.",
  MENTION_NOT_ALLOWED: 'An internal comment may mention only internal members of the project, not external ones.',
  INTEGRATION_TOKEN_NOT_FOUND: 'No integration token with this ID exists in a workspace the viewer administers.',
  INVALID_MANIFEST: 'The persisted operation manifest is not a valid apollo-persisted-query-manifest of version 1.',
  NOTIFICATION_NOT_FOUND: "No notification with this ID exists in the viewer's notifications.",
  PERMISSION_NOT_FOR_EXTERNALS: 'A project role for external members cannot let them edit the project or open its settings.',
} as const;

export type UserErrorCode = keyof typeof userErrorCodes;

/** A user-fixable problem, returned in a mutation payload's `userErrors`. */
export interface UserError {
  code: UserErrorCode;
  /** Path to the input field at fault, such as `['input', 'email']`; null when no single field is. */
  field: string[] | null;
  message: string;
}

export function userError(code: UserErrorCode, field: string[] | null, message: string): UserError {
  return { code, field, message };
}

/** Creates a GraphQL error whose code reaches the client unmasked. */
export function codedError(code: Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

export const unauthenticated = () => codedError('UNAUTHENTICATED', 'Sign in first: this operation needs an access token.');

export const forbidden = () => codedError('FORBIDDEN', 'You do not have access to this field or operation.');

/** Tells whether an error's code may reach a client together with its message. */
export function isClientSafeCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' && code in errorCodes;
}

/** Returns the SQLSTATE of a PostgreSQL error from either driver, or undefined for any other error. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  // drizzle wraps driver errors in DrizzleQueryError, whose `cause` is the driver's error.
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
