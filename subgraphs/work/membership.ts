import { sql, type SQL } from 'drizzle-orm';

/**
 * Builds a condition that is true while `account` is a member of `project` and joined no later than
 * `since`. Follows, notifications and notification e-mails carry the time they were written, so
 * the ones from before a removal stay ended even when the person is invited back.
 */
export function memberSince(project: SQL, account: SQL, since: SQL): SQL {
  return sql`exists (
    select 1 from sharing.v_project_memberships membership
    where membership.project_id = ${project} and membership.account_id = ${account} and membership.joined_at <= ${since})`;
}
