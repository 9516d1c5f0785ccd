import type { SubgraphContext } from '../../common/context.js';
import type { WorkLoaders } from '../loaders.js';
import { loadVisiblePrivateTask } from '../private/visibility.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { CalendarEntryRow } from './loaders.js';

/**
 * Checks whether the viewer may see a calendar entry: it is in the viewer's own calendar, and the viewer
 * still sees its task (by `loadVisibleTask`) or its private task (by `loadVisiblePrivateTask`).
 * Visibility is decided at each read, so an entry disappears when its task does and comes back
 * if access returns.
 */
export async function canSeeCalendarEntry(entry: CalendarEntryRow, context: SubgraphContext<WorkLoaders>): Promise<boolean> {
  const viewer = context.viewer;
  if (!viewer || viewer.viewAs || entry.accountId !== viewer.accountId) return false;
  if (entry.taskId) return (await loadVisibleTask(entry.taskId, context)) !== null;
  return entry.privateTaskId ? (await loadVisiblePrivateTask(entry.privateTaskId, context)) !== null : false;
}
