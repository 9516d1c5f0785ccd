import DataLoader from 'dataloader';
import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import { calendarEntries } from '../../../db/work/schema.js';
import type { RequestContext } from '../../common/context.js';
import { createLoader, indexBy } from '../../common/loaders.js';

export type CalendarEntryRow = typeof calendarEntries.$inferSelect;

/** A range of the viewer's calendar: entries that end after `from` and start before `to`. */
export interface CalendarRange {
  from: Date;
  to: Date;
}

/** The maximum length of an entry. A range query reaches back this far before `from`, so that the (account_id, starts_at) index bounds it. */
export const maxEntryMilliseconds = 14 * 24 * 60 * 60 * 1000;

/** Creates the calendar loaders for one request. */
export function createCalendarLoaders(context: RequestContext) {
  const { db } = context;

  return {
    calendarEntriesById: createLoader<CalendarEntryRow | null>(async (ids) => {
      const rows = await db.select().from(calendarEntries).where(inArray(calendarEntries.id, ids));
      return indexBy(rows, (row) => row.id);
    }, null),

    /**
     * The viewer's own entries per range, earliest start first, unfiltered: the resolver drops
     * those whose task the viewer may no longer see. One statement serves every range of a batch: it
     * reads the span that covers them all, and each range keeps its overlapping entries.
     */
    viewerCalendar: new DataLoader<CalendarRange, CalendarEntryRow[], string>(
      async (ranges) => {
        const viewer = context.viewer;
        if (!viewer || viewer.viewAs) return ranges.map(() => []);
        const from = new Date(Math.min(...ranges.map((range) => range.from.getTime())));
        const to = new Date(Math.max(...ranges.map((range) => range.to.getTime())));
        const rows = await db
          .select()
          .from(calendarEntries)
          .where(
            and(
              eq(calendarEntries.accountId, viewer.accountId),
              gt(calendarEntries.startsAt, new Date(from.getTime() - maxEntryMilliseconds - 1)),
              lt(calendarEntries.startsAt, to),
              gt(calendarEntries.endsAt, from),
            ),
          )
          .orderBy(asc(calendarEntries.startsAt), asc(calendarEntries.id));
        return ranges.map((range) => rows.filter((row) => row.startsAt < range.to && row.endsAt > range.from));
      },
      { cacheKeyFn: (range) => `${range.from.toISOString()}/${range.to.toISOString()}` },
    ),
  };
}

export type CalendarLoaders = ReturnType<typeof createCalendarLoaders>;
