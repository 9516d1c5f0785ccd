import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { calendarEntries } from '../../../db/work/schema.js';
import { userError, type UserError } from '../../common/errors.js';
import type { Viewer } from '../../common/viewer.js';
import { maxEntryMilliseconds, type CalendarEntryRow } from './loaders.js';

export interface Slot {
  start: Date;
  end: Date;
}

/** Checks a slot: the end after the start, at most 14 days later. The table's check constraints enforce the same. */
export function checkSlot(slot: Slot): UserError | null {
  if (slot.end.getTime() <= slot.start.getTime()) return userError('INVALID_INPUT', ['input', 'end'], 'The end must be after the start.');
  if (slot.end.getTime() - slot.start.getTime() > maxEntryMilliseconds) {
    return userError('INVALID_INPUT', ['input', 'end'], 'A calendar entry may last at most 14 days; split longer work into several entries.');
  }
  return null;
}

/** Puts a task or a private task that the caller checked the viewer may see into the viewer's calendar. */
export async function scheduleTask(db: Database, viewer: Viewer, target: { taskId: string | null; privateTaskId: string | null }, slot: Slot): Promise<CalendarEntryRow | UserError[]> {
  const problem = checkSlot(slot);
  if (problem) return [problem];
  const [entry] = await db
    .insert(calendarEntries)
    .values({ accountId: viewer.accountId, taskId: target.taskId, privateTaskId: target.privateTaskId, startsAt: slot.start, endsAt: slot.end })
    .returning();
  return entry!;
}

export async function rescheduleCalendarEntry(db: Database, entry: CalendarEntryRow, slot: Slot): Promise<CalendarEntryRow | UserError[]> {
  const problem = checkSlot(slot);
  if (problem) return [problem];
  const [updated] = await db
    .update(calendarEntries)
    .set({ startsAt: slot.start, endsAt: slot.end, updatedAt: new Date() })
    .where(eq(calendarEntries.id, entry.id))
    .returning();
  return updated!;
}

export async function unscheduleCalendarEntry(db: Database, entry: CalendarEntryRow): Promise<CalendarEntryRow> {
  await db.delete(calendarEntries).where(eq(calendarEntries.id, entry.id));
  return entry;
}
