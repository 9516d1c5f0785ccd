import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.js';
import { accounts, sessions, workspaceMembers, workspaces } from '../../../db/identity/schema.js';
import { openInvitationsView } from '../../../db/sharing/contract.js';
import { issueAccessToken } from '../../common/access-token.js';
import { hashInvitationToken, isInvitationTokenShape } from '../../common/invitation-token.js';
import { sqlState, UNIQUE_VIOLATION, userError, type UserError } from '../../common/errors.js';
import { checkEmail, checkText, isUserError } from '../../common/validation.js';
import { hashPassword, verifyPassword } from './password.js';
import type { LogInThrottle } from './throttle.js';

export interface TokenSettings {
  key: Uint8Array;
  /** Lifetime of an access token and its session, in seconds. */
  ttlSeconds: number;
  /** Limits failed sign-ins per e-mail address; each identity subgraph has its own. */
  throttle: LogInThrottle;
}

export interface SignIn {
  accessToken: string;
  expiresAt: Date;
  accountId: string;
  sessionId: string;
  workspaceId: string | null;
}

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  workspaceName?: string | null;
  invitationToken?: string | null;
}

function checkPassword(password: string, field: string[]): UserError | null {
  if (password.length < 10 || password.length > 200) {
    return userError('INVALID_INPUT', field, `The password must be 10 to 200 characters long; it is ${password.length}.`);
  }
  return null;
}

/** Creates the account, its first workspace with the account as admin, and a session. */
export async function signUp(db: Database, tokens: TokenSettings, input: SignUpInput): Promise<SignIn | UserError[]> {
  const name = checkText(input.name, ['input', 'name'], 'The name', 100);
  const email = checkEmail(input.email, ['input', 'email']);
  const passwordError = checkPassword(input.password, ['input', 'password']);
  // The default workspace name derives from a valid name only, so a bad name is reported once.
  const workspaceName =
    input.workspaceName != null
      ? checkText(input.workspaceName, ['input', 'workspaceName'], 'The workspace name', 100)
      : isUserError(name)
        ? null
        : `${name}'s workspace`.slice(0, 100);
  const problems = [name, email, passwordError, workspaceName].filter(isUserError);
  if (problems.length > 0) return problems;

  // Someone signing up to accept an external invitation gets a workspace on Basic Connect.
  if (input.invitationToken != null) {
    const problem = await checkInvitationForSignUp(db, input.invitationToken, email as string);
    if (problem) return [problem];
  }
  const plan = input.invitationToken != null ? 'basic_connect' : 'trial';

  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [account] = await tx.insert(accounts).values({ name: name as string, email: email as string, passwordHash }).returning({ id: accounts.id });
      const [workspace] = await tx.insert(workspaces).values({ name: workspaceName as string, plan, createdBy: account!.id }).returning({ id: workspaces.id });
      await tx.insert(workspaceMembers).values({ workspaceId: workspace!.id, accountId: account!.id, role: 'admin' });
      await tx.update(accounts).set({ lastWorkspaceId: workspace!.id }).where(eq(accounts.id, account!.id));
      return openSession(tx, tokens, account!.id, workspace!.id);
    });
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      return [userError('EMAIL_TAKEN', ['input', 'email'], `An account with e-mail address ${JSON.stringify(email)} already exists; sign in with logIn instead.`)];
    }
    throw error;
  }
}

/** Checks that a token belongs to an open, unexpired invitation of `email`; returns the problem otherwise. */
async function checkInvitationForSignUp(db: Database, token: string, email: string): Promise<UserError | null> {
  const field = ['input', 'invitationToken'];
  const [invitation] = isInvitationTokenShape(token)
    ? await db.select().from(openInvitationsView).where(eq(openInvitationsView.tokenHash, hashInvitationToken(token)))
    : [];
  if (!invitation) return userError('INVITATION_NOT_FOUND', field, 'No open invitation matches this token; it may have been accepted, revoked or resent. Sign up without it, or ask for a new invitation.');
  if (invitation.expiresAt <= new Date()) return userError('INVITATION_EXPIRED', field, 'This invitation expired; ask the project to resend it.');
  if (invitation.email !== email) {
    return userError('INVITATION_EMAIL_MISMATCH', ['input', 'email'], `This invitation is for ${invitation.email}; sign up with that address.`);
  }
  return null;
}

/** Checks the credentials and opens a session in the account's last used workspace. */
export async function logIn(db: Database, tokens: TokenSettings, input: { email: string; password: string }): Promise<SignIn | UserError[]> {
  const email = checkEmail(input.email, ['input', 'email']);
  if (isUserError(email)) return [email];

  const retryAfter = await tokens.throttle.retryAfterSeconds(email);
  if (retryAfter !== null) {
    const minutes = Math.ceil(retryAfter / 60);
    return [userError('TOO_MANY_ATTEMPTS', ['input', 'email'], `Too many failed sign-ins for this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`)];
  }

  const [account] = await db
    .select({ id: accounts.id, passwordHash: accounts.passwordHash, lastWorkspaceId: accounts.lastWorkspaceId })
    .from(accounts)
    .where(and(eq(accounts.email, email), eq(accounts.kind, 'person')));

  const valid = await verifyPassword(account?.passwordHash, input.password);
  if (!account || !valid) {
    await tokens.throttle.recordFailure(email);
    return [userError('INVALID_CREDENTIALS', null, 'The e-mail address or the password is wrong.')];
  }
  await tokens.throttle.reset(email);

  const memberships = await db
    .select({ workspaceId: workspaceMembers.workspaceId })
    .from(workspaceMembers)
    .where(eq(workspaceMembers.accountId, account.id))
    .orderBy(asc(workspaceMembers.createdAt));
  const workspaceId = memberships.find((row) => row.workspaceId === account.lastWorkspaceId)?.workspaceId ?? memberships[0]?.workspaceId ?? null;

  return db.transaction((tx) => openSession(tx, tokens, account.id, workspaceId));
}

async function openSession(tx: Transaction, tokens: TokenSettings, accountId: string, workspaceId: string | null): Promise<SignIn> {
  const expiresAt = new Date(Date.now() + tokens.ttlSeconds * 1000);
  const [session] = await tx.insert(sessions).values({ accountId, currentWorkspaceId: workspaceId, expiresAt }).returning({ id: sessions.id });
  const accessToken = await issueAccessToken(tokens.key, { accountId, sessionId: session!.id }, expiresAt);
  return { accessToken, expiresAt, accountId, sessionId: session!.id, workspaceId };
}

/** Revokes a session; its access token stops working with the next request. */
export async function logOut(db: Database, sessionId: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Makes a workspace the session's current one, and the account's default for later sign-ins. */
export async function switchWorkspace(db: Database, viewer: { accountId: string; sessionId: string }, workspaceId: string): Promise<UserError | null> {
  return db.transaction(async (tx) => {
    const [membership] = await tx
      .select({ workspaceId: workspaceMembers.workspaceId })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.accountId, viewer.accountId), eq(workspaceMembers.workspaceId, workspaceId)));
    if (!membership) {
      return userError('WORKSPACE_NOT_FOUND', ['input', 'workspaceId'], `You are not a member of a workspace with ID "${workspaceId}"; pick one from viewer.workspaces.`);
    }
    await tx.update(sessions).set({ currentWorkspaceId: workspaceId }).where(eq(sessions.id, viewer.sessionId));
    await tx.update(accounts).set({ lastWorkspaceId: workspaceId }).where(eq(accounts.id, viewer.accountId));
    return null;
  });
}
