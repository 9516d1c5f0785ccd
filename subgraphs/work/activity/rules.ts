import type { SubgraphContext } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { accessRule, isAuthenticated } from '../../common/shield.js';
import type { WorkLoaders } from '../loaders.js';
import type { ActivityRow } from './loaders.js';

type Context = SubgraphContext<WorkLoaders>;

/** Allows a viewer who sees the event's project; the history that listed the event has filtered it by the viewer's role. */
const canSeeEventProject = accessRule<Context>('canSeeEventProject', 'strict', async (event: ActivityRow, _args, context) =>
  (await context.loaders.projectAccessById.load(event.projectId))?.canSee ? true : forbidden(),
);

export const activityTypeRules = {
  ActivityEvent: canSeeEventProject,
  ActivityConnection: isAuthenticated,
  ActivityEdge: isAuthenticated,
};
