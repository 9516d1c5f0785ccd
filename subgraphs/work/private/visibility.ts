import type { SubgraphContext } from '../../common/context.js';
import type { WorkLoaders } from '../loaders.js';
import type { PrivateTaskRow } from './loaders.js';

/**
 * Loads a private task for the viewer: null when it does not exist, or the viewer neither owns
 * it nor is someone it is shared with who is still a member of its workspace. A view-as request
 * reads none. `readableBy` in loaders.ts is the same rule in SQL.
 */
export async function loadVisiblePrivateTask(id: string, context: SubgraphContext<WorkLoaders>): Promise<PrivateTaskRow | null> {
  const viewer = context.viewer;
  if (!viewer || viewer.viewAs) return null;
  const task = await context.loaders.privateTasksById.load(id);
  if (!task) return null;
  if (task.ownerAccountId === viewer.accountId) return task;
  return (await context.loaders.viewerIsShareeByPrivateTaskId.load(task.id)) ? task : null;
}
