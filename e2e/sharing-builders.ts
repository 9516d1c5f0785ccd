import { desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { mailOutbox } from '../db/sharing/schema.js';
import { dataOf, type TestAccount } from './builders.js';
import type { TestGraph } from './harness.js';

/** Ids of the built-in project roles. */
export const roles = {
  editor: '00000000-0000-4000-8000-000000000001',
  externalCollaborator: '00000000-0000-4000-8000-000000000002',
  externalAssignee: '00000000-0000-4000-8000-000000000003',
} as const;

export const inviteMutation = `mutation($input: InviteExternalMemberInput!) {
  inviteExternalMember(input: $input) {
    invitation { id email status expiresAt sentCount role { id name } invitedBy { id } }
    userErrors { code field message }
  }
}`;

export const acceptMutation = `mutation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) {
    project { id name }
    placementWorkspace { id name }
    userErrors { code field message }
  }
}`;

/** Returns the token of the newest invitation e-mail sent to `email`, read from the outbox. */
export async function invitationTokenFor(graph: TestGraph, email: string): Promise<string> {
  const [mail] = await graph.database.db
    .select({ text: mailOutbox.textBody })
    .from(mailOutbox)
    .where(eq(mailOutbox.recipient, email))
    .orderBy(desc(mailOutbox.createdAt))
    .limit(1);
  const token = mail ? /\/invitations\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1] : undefined;
  expect(token, `invitation e-mail to ${email}`).toBeDefined();
  return token!;
}

/** Invites `email` to a project and returns the invitation id and the token from its e-mail. */
export async function invite(graph: TestGraph, token: string, projectId: string, email: string, roleId: string = roles.externalCollaborator) {
  const data = dataOf(await graph.request(inviteMutation, { input: { projectId, email, roleId } }, token));
  expect(data.inviteExternalMember.userErrors).toEqual([]);
  return { invitationId: data.inviteExternalMember.invitation.id as string, token: await invitationTokenFor(graph, email) };
}

/** Accepts an invitation as `account`, optionally into a named workspace; returns the placement workspace id. */
export async function accept(graph: TestGraph, account: TestAccount, invitationToken: string, placementWorkspaceId?: string): Promise<string> {
  const data = dataOf(await graph.request(acceptMutation, { input: { token: invitationToken, placementWorkspaceId } }, account.token));
  expect(data.acceptInvitation.userErrors).toEqual([]);
  return data.acceptInvitation.placementWorkspace.id as string;
}
