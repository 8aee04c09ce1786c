import { ActionItemStatus, type CheckInPolicy } from './check-in-types';

/** When an action item's owner is reminded: the policy's lead before its due date. */
export function actionItemReminderAt(dueAt: Date, policy: CheckInPolicy): Date {
  return new Date(dueAt.getTime() - policy.actionItemReminderLeadSeconds * 1000);
}

/** An open action item whose due date has passed (a closed one is never overdue). */
export function isActionItemOverdue(item: { status: ActionItemStatus | string; dueAt: Date }, now: Date): boolean {
  return item.status === ActionItemStatus.Open && item.dueAt.getTime() < now.getTime();
}

/** The outbox key of an action item's reminder: one per item and due date (a moved due date reminds again). */
export function actionItemReminderKey(actionItemId: string, dueAt: Date): string {
  return `action-item-reminder:${actionItemId}:${dueAt.toISOString()}`;
}
