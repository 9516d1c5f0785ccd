import { readPublicAppUrl } from '../../common/config.js';

/** Settings of invitation links and their expiry. */
export interface InvitationSettings {
  /** The accept link is this URL followed by the token, as `<base>/<token>`. */
  acceptUrlBase: string;
  /** Days until an invitation, or a resent one, expires. */
  ttlDays: number;
  /** Whether to log accept links, which only the local file mail mode does (it has no inbox). */
  logAcceptLinks: boolean;
}

/** Reads PUBLIC_APP_URL (default http://localhost:3000) and INVITATION_TTL_DAYS (default 14). */
export function readInvitationSettings(logAcceptLinks: boolean): InvitationSettings {
  const rawDays = process.env.INVITATION_TTL_DAYS;
  const ttlDays = rawDays ? Number(rawDays) : 14;
  if (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > 365) {
    throw new Error(`INVITATION_TTL_DAYS=${JSON.stringify(rawDays)} must be a whole number of days from 1 to 365.`);
  }
  return { acceptUrlBase: `${readPublicAppUrl()}/invitations`, ttlDays, logAcceptLinks };
}

export function acceptLink(settings: InvitationSettings, token: string): string {
  return `${settings.acceptUrlBase}/${token}`;
}
