import type { SubgraphContext } from '../../common/context.js';
import type { TaskRow, WorkLoaders } from '../loaders.js';

/**
 * Loads a task for the viewer: null when it does not exist, the viewer may not see its
 * project, or the viewer's role limits them to assigned tasks and they are not assigned.
 */
export async function loadVisibleTask(id: string, context: SubgraphContext<WorkLoaders>): Promise<TaskRow | null> {
  const task = await context.loaders.tasksById.load(id);
  if (!task) return null;
  const access = await context.loaders.projectAccessById.load(task.projectId);
  if (!access?.canSee) return null;
  if (access.seesAllTasks) return task;
  return (await context.loaders.viewerIsAssignedByTaskId.load(task.id)) ? task : null;
}
