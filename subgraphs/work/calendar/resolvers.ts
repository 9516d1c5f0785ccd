import type { SubgraphContext } from '../../common/context.js';
import { codedError, userError, type UserError } from '../../common/errors.js';
import { parseId } from '../../common/ids.js';
import type { WorkLoaders } from '../loaders.js';
import { loadVisiblePrivateTask } from '../private/visibility.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { CalendarEntryRow } from './loaders.js';
import { rescheduleCalendarEntry, scheduleTask, unscheduleCalendarEntry, type Slot } from './service.js';
import { canSeeCalendarEntry } from './visibility.js';

type Context = SubgraphContext<WorkLoaders>;

/** The maximum length of a `myCalendar` range, in days. */
const maxRangeDays = 92;

function payload(result: CalendarEntryRow | UserError[]) {
  return Array.isArray(result) ? { calendarEntry: null, userErrors: result } : { calendarEntry: result, userErrors: [] };
}

/** Loads an entry of the viewer's calendar whose task the viewer may still see, or returns the user error. */
async function loadOwnEntry(rawId: unknown, context: Context): Promise<CalendarEntryRow | UserError[]> {
  const id = parseId(rawId, 'input.calendarEntryId');
  const entry = await context.loaders.calendarEntriesById.load(id);
  if (entry && (await canSeeCalendarEntry(entry, context))) return entry;
  return [userError('CALENDAR_ENTRY_NOT_FOUND', ['input', 'calendarEntryId'], `No calendar entry "${id}" exists in your calendar for a task you may see.`)];
}

interface ScheduleInput extends Slot {
  taskId?: string | null;
  privateTaskId?: string | null;
}

/** Resolvers of the calendar's root fields, spread into Query and Mutation by ../resolvers.ts. */
export const calendarFieldResolvers = {
  Query: {
    myCalendar: async (_parent: unknown, { from, to }: { from: Date; to: Date }, context: Context): Promise<CalendarEntryRow[]> => {
      if (to.getTime() <= from.getTime()) throw codedError('BAD_USER_INPUT', 'Invalid range: "to" must be after "from".');
      if (to.getTime() - from.getTime() > maxRangeDays * 24 * 60 * 60 * 1000) {
        throw codedError('BAD_USER_INPUT', `Invalid range: ask for at most ${maxRangeDays} days at a time.`);
      }
      const entries = await context.loaders.viewerCalendar.load({ from, to });
      // Filtered by the viewer's current access; the loaders batch the checks of all entries.
      const visible = await Promise.all(entries.map((entry) => canSeeCalendarEntry(entry, context)));
      return entries.filter((_entry, index) => visible[index]);
    },
  },

  Mutation: {
    scheduleTask: async (_parent: unknown, { input }: { input: ScheduleInput }, context: Context) => {
      const hasTask = input.taskId !== null && input.taskId !== undefined;
      const hasPrivateTask = input.privateTaskId !== null && input.privateTaskId !== undefined;
      if (hasTask === hasPrivateTask) {
        return payload([userError('INVALID_INPUT', null, 'Name exactly one of taskId and privateTaskId.')]);
      }
      if (hasTask) {
        const taskId = parseId(input.taskId, 'input.taskId');
        if (!(await loadVisibleTask(taskId, context))) return payload([userError('TASK_NOT_FOUND', ['input', 'taskId'], `No task "${taskId}" exists that you may see.`)]);
        return payload(await scheduleTask(context.db, context.viewer!, { taskId, privateTaskId: null }, input));
      }
      const privateTaskId = parseId(input.privateTaskId, 'input.privateTaskId');
      if (!(await loadVisiblePrivateTask(privateTaskId, context))) {
        return payload([userError('PRIVATE_TASK_NOT_FOUND', ['input', 'privateTaskId'], `No private task "${privateTaskId}" exists that you may see.`)]);
      }
      return payload(await scheduleTask(context.db, context.viewer!, { taskId: null, privateTaskId }, input));
    },

    rescheduleCalendarEntry: async (_parent: unknown, { input }: { input: Slot & { calendarEntryId: string } }, context: Context) => {
      const entry = await loadOwnEntry(input.calendarEntryId, context);
      return payload(Array.isArray(entry) ? entry : await rescheduleCalendarEntry(context.db, entry, input));
    },

    unscheduleCalendarEntry: async (_parent: unknown, { input }: { input: { calendarEntryId: string } }, context: Context) => {
      const entry = await loadOwnEntry(input.calendarEntryId, context);
      return payload(Array.isArray(entry) ? entry : await unscheduleCalendarEntry(context.db, entry));
    },
  },
};

/** Resolvers of the calendar's types, spread into the resolver map by ../resolvers.ts. */
export const calendarTypeResolvers = {
  CalendarEntry: {
    task: (entry: CalendarEntryRow, _args: unknown, context: Context) => (entry.taskId ? context.loaders.tasksById.load(entry.taskId) : null),
    privateTask: (entry: CalendarEntryRow, _args: unknown, context: Context) => (entry.privateTaskId ? context.loaders.privateTasksById.load(entry.privateTaskId) : null),
    start: (entry: CalendarEntryRow) => entry.startsAt,
    end: (entry: CalendarEntryRow) => entry.endsAt,
  },
};
