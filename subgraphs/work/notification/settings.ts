import { notificationKind } from '../../../db/work/schema.js';

export type NotificationKind = (typeof notificationKind.enumValues)[number];

/** Delivery channels of one kind of notification for one account. */
export interface Delivery {
  inApp: boolean;
  email: boolean;
}

/**
 * Delivery for an account without settings of its own: every kind in the app, and e-mail only
 * when someone turns to them in person, by assigning or mentioning them.
 */
export const defaultDelivery: Record<NotificationKind, Delivery> = {
  assigned: { inApp: true, email: true },
  mentioned: { inApp: true, email: true },
  status_changed: { inApp: true, email: false },
  commented: { inApp: true, email: false },
};

export const notificationKinds = notificationKind.enumValues;
