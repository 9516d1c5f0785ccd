import type { SubgraphContext } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { accessRule, allow, isAuthenticated } from '../../common/shield.js';
import type { WorkLoaders } from '../loaders.js';
import type { NotificationRow } from './loaders.js';

type Context = SubgraphContext<WorkLoaders>;

/** Allows the notification's recipient alone. */
const isRecipient = accessRule<Context>('isRecipient', 'strict', async (notification: NotificationRow, _args, context) =>
  notification.recipientAccountId === context.viewer?.accountId ? true : forbidden(),
);

export const notificationFieldRules = {
  Query: { notifications: isAuthenticated, notificationSettings: isAuthenticated },
  Mutation: { markNotificationsRead: isAuthenticated, markAllNotificationsRead: isAuthenticated, updateNotificationSettings: isAuthenticated },
};

export const notificationTypeRules = {
  Notification: isRecipient,
  NotificationConnection: isAuthenticated,
  NotificationEdge: isAuthenticated,
  NotificationSetting: isAuthenticated,
  MarkNotificationsReadPayload: allow,
  MarkAllNotificationsReadPayload: allow,
  NotificationSettingsPayload: allow,
};
