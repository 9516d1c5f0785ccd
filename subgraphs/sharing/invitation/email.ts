import type { OutgoingEmail } from '../../common/mail/index.js';

export interface InvitationEmailFacts {
  to: string;
  inviterName: string;
  projectName: string;
  hostWorkspaceName: string;
  link: string;
  expiresAt: Date;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** Writes the invitation e-mail, in plain text and HTML. */
export function invitationEmail(facts: InvitationEmailFacts): OutgoingEmail {
  const expiry = facts.expiresAt.toISOString().slice(0, 10);
  const subject = `${facts.inviterName} invited you to "${facts.projectName}" on Tandem`;
  const text = [
    `${facts.inviterName} of ${facts.hostWorkspaceName} invited you to work on the project "${facts.projectName}".`,
    '',
    'Open this link to accept; it works once and until ' + expiry + ':',
    facts.link,
    '',
    'You keep working from your own workspace; the project appears there among your external projects.',
  ].join('\n');
  const html = `<p>${escapeHtml(facts.inviterName)} of ${escapeHtml(facts.hostWorkspaceName)} invited you to work on the project <strong>${escapeHtml(facts.projectName)}</strong>.</p>
<p><a href="${escapeHtml(facts.link)}">Accept the invitation</a> (the link works once and until ${expiry}).</p>
<p>You keep working from your own workspace; the project appears there among your external projects.</p>`;
  return { to: facts.to, subject, text, html };
}
