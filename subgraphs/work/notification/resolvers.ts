import type { SubgraphContext } from '../../common/context.js';
import { seqCursors } from '../../common/seq-cursor.js';
import { loadVisibleComment } from '../comment/visibility.js';
import type { WorkLoaders } from '../loaders.js';
import { loadVisibleTask } from '../task/visibility.js';
import type { NotificationPage, NotificationRow } from './loaders.js';
import { markAllRead, markRead, updateSettings, type SettingInput } from './service.js';

type Context = SubgraphContext<WorkLoaders>;

const cursors = seqCursors('notification', 'notifications');

interface ConnectionSource {
  scope: string;
  recipientId: string;
  page: NotificationPage;
  hasPreviousPage: boolean;
}

/** A cursor belongs to one account's list with one `unreadOnly`. */
const scopeOf = (recipientId: string, unreadOnly: boolean) => `${recipientId}.${unreadOnly ? 'unread' : 'all'}`;

/** Resolvers of the notification root fields, spread in by ../resolvers.ts. */
export const notificationFieldResolvers = {
  Query: {
    notifications: async (_parent: unknown, args: { unreadOnly?: boolean | null; first?: number; after?: string | null }, context: Context): Promise<ConnectionSource> => {
      const recipientId = context.viewer!.accountId;
      const unreadOnly = args.unreadOnly === true;
      const scope = scopeOf(recipientId, unreadOnly);
      const request = cursors.parse(scope, args.first, args.after);
      const page = await context.loaders.notificationPages.load({ recipientId, unreadOnly, ...request });
      return { scope, recipientId, page, hasPreviousPage: request.afterSeq !== null };
    },
    notificationSettings: (_parent: unknown, _args: unknown, context: Context) => context.loaders.notificationSettingsByAccount.load(context.viewer!.accountId),
  },
  Mutation: {
    markNotificationsRead: async (_parent: unknown, { input }: { input: { notificationIds: unknown[] } }, context: Context) => {
      const viewerId = context.viewer!.accountId;
      const result = await markRead(context.db, viewerId, input.notificationIds);
      return { ...result, unreadCount: await context.loaders.unreadCountByRecipient.load(viewerId) };
    },
    markAllNotificationsRead: async (_parent: unknown, _args: unknown, context: Context) => {
      const viewerId = context.viewer!.accountId;
      const markedCount = await markAllRead(context.db, viewerId);
      return { markedCount, unreadCount: await context.loaders.unreadCountByRecipient.load(viewerId) };
    },
    updateNotificationSettings: async (_parent: unknown, { input }: { input: { settings: SettingInput[] } }, context: Context) => {
      const viewerId = context.viewer!.accountId;
      const userErrors = await updateSettings(context.db, viewerId, input.settings);
      context.loaders.notificationSettingsByAccount.clear(viewerId);
      return { settings: await context.loaders.notificationSettingsByAccount.load(viewerId), userErrors };
    },
  },
};

/** Resolvers of the notification types, spread into the resolver map by ../resolvers.ts. */
export const notificationTypeResolvers = {
  NotificationKind: { ASSIGNED: 'assigned', MENTIONED: 'mentioned', STATUS_CHANGED: 'status_changed', COMMENTED: 'commented' },
  Notification: {
    actor: (notification: NotificationRow) => ({ __typename: 'Account', id: notification.actorAccountId }),
    project: (notification: NotificationRow) => ({ __typename: 'Project', id: notification.projectId }),
    task: (notification: NotificationRow, _args: unknown, context: Context) => (notification.taskId ? loadVisibleTask(notification.taskId, context) : null),
    comment: (notification: NotificationRow, _args: unknown, context: Context) =>
      notification.commentId ? loadVisibleComment(notification.commentId, context) : null,
  },
  NotificationConnection: {
    edges: (source: ConnectionSource) => source.page.notifications.map((node) => ({ cursor: cursors.encode(source.scope, node.seq), node })),
    nodes: (source: ConnectionSource) => source.page.notifications,
    pageInfo: (source: ConnectionSource) => {
      const list = source.page.notifications;
      return {
        hasNextPage: source.page.hasNextPage,
        hasPreviousPage: source.hasPreviousPage,
        startCursor: list.length > 0 ? cursors.encode(source.scope, list[0]!.seq) : null,
        endCursor: list.length > 0 ? cursors.encode(source.scope, list[list.length - 1]!.seq) : null,
      };
    },
    unreadCount: (source: ConnectionSource, _args: unknown, context: Context) => context.loaders.unreadCountByRecipient.load(source.recipientId),
  },
};
