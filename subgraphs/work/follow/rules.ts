import { allow, isAuthenticated } from '../../common/shield.js';

/** followTask and unfollowTask check the task themselves and return TASK_NOT_FOUND for one the viewer may not see. */
export const followFieldRules = {
  Mutation: { followTask: isAuthenticated, unfollowTask: isAuthenticated },
};

export const followTypeRules = {
  FollowTaskPayload: allow,
};
