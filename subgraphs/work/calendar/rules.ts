import type { SubgraphContext } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { accessRule, allow, isAuthenticated } from '../../common/shield.js';
import type { WorkLoaders } from '../loaders.js';
import type { CalendarEntryRow } from './loaders.js';
import { canSeeCalendarEntry } from './visibility.js';

type Context = SubgraphContext<WorkLoaders>;

/** Allows only the owner of the parent entry, and only while they still see its task. */
const canSeeEntry = accessRule<Context>('canSeeCalendarEntry', 'strict', async (entry: CalendarEntryRow, _args, context) =>
  (await canSeeCalendarEntry(entry, context)) ? true : forbidden(),
);

/**
 * Rules of the calendar's root fields. Each works on the viewer's own calendar only; the
 * mutations return TASK_NOT_FOUND, PRIVATE_TASK_NOT_FOUND or CALENDAR_ENTRY_NOT_FOUND for
 * anything the viewer may not see, as for an ID of nothing, so that they reveal nothing.
 */
export const calendarFieldRules = {
  Query: { myCalendar: isAuthenticated },
  Mutation: { scheduleTask: isAuthenticated, rescheduleCalendarEntry: isAuthenticated, unscheduleCalendarEntry: isAuthenticated },
};

export const calendarTypeRules = {
  CalendarEntry: canSeeEntry,
  CalendarEntryPayload: allow,
};
