import type { OutgoingEmail } from '../../common/mail/index.js';
import type { TaskStatus } from '../task/service.js';
import type { NotificationKind } from './settings.js';

/** Facts of one notification e-mail. Every text is already validated, and all but the comment are single-line. */
export interface EmailFacts {
  to: string;
  kind: NotificationKind;
  actorName: string;
  projectName: string;
  task: { id: string; title: string } | null;
  status: TaskStatus | null;
  commentBody: string | null;
  appUrl: string;
}

const statusLabels: Record<TaskStatus, string> = { todo: 'To do', in_progress: 'In progress', done: 'Done', cancelled: 'Cancelled' };

/** Maximum length of the part of a comment quoted in an e-mail. */
const maxQuoteLength = 1000;

function subjectOf(facts: EmailFacts): string {
  const where = facts.task ? `"${facts.task.title}"` : `the project ${facts.projectName}`;
  switch (facts.kind) {
    case 'assigned':
      return `${facts.actorName} assigned you to ${where}`;
    case 'mentioned':
      return `${facts.actorName} mentioned you in a comment on ${where}`;
    case 'status_changed':
      return `${facts.actorName} set ${where} to ${statusLabels[facts.status ?? 'todo']}`;
    case 'commented':
      return `${facts.actorName} commented on ${where}`;
  }
}

/** Composes the plain-text e-mail of one notification. */
export function notificationEmail(facts: EmailFacts): OutgoingEmail {
  const subject = subjectOf(facts);
  const quote =
    facts.commentBody === null
      ? []
      : ['', ...(facts.commentBody.length > maxQuoteLength ? `${facts.commentBody.slice(0, maxQuoteLength)}…` : facts.commentBody).split('\n').map((line) => `> ${line}`)];
  const link = facts.task ? `${facts.appUrl}/tasks/${facts.task.id}` : facts.appUrl;
  const text = [
    `${subject}.`,
    `Project: ${facts.projectName}`,
    ...quote,
    '',
    `Open it in Tandem: ${link}`,
    '',
    'You receive this e-mail because of your notification settings in Tandem, where you can change them.',
  ].join('\n');
  return { to: facts.to, subject, text };
}
