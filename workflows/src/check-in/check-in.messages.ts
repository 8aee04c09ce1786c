/**
 * The Dialogue Board check-in workflows' contract: ids, inputs, signals, queries and the activities
 * they call. The API and the worker import this file (not the workflows) to start, signal and
 * schedule them.
 *
 * - `dialogue-board-<planId>`: the plan's Temporal Schedule; it fires at each meeting occurrence and
 *   starts dialogueBoardRunWorkflow, which prepares the NEXT meeting and starts its checkInWorkflow.
 * - `check-in-<checkInId>`: checkInWorkflow, from preparation to closure (invitations, updates,
 *   cancellation, the coordinator's close reminder).
 * - `action-item-<actionItemId>`: actionItemWorkflow, one reminder to the owner before the due date.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CheckInStatus } from '../../../libs/domain/src';

export const DIALOGUE_BOARD_RUN_WORKFLOW_TYPE = 'dialogueBoardRunWorkflow';
export const CHECK_IN_WORKFLOW_TYPE = 'checkInWorkflow';
export const ACTION_ITEM_WORKFLOW_TYPE = 'actionItemWorkflow';

/** The plan's schedule; also the prefix of its runs' workflow ids (Temporal appends the scheduled time). */
export function dialogueBoardScheduleId(planId: string): string {
  return `dialogue-board-${planId}`;
}

export function checkInWorkflowId(checkInId: string): string {
  return `check-in-${checkInId}`;
}

export function actionItemWorkflowId(actionItemId: string): string {
  return `action-item-${actionItemId}`;
}

export interface DialogueBoardRunInput {
  planId: string;
  /**
   * The time the run stands for (ISO 8601). Absent in runs the schedule starts: the run reads the
   * schedule's TemporalScheduledStartTime (the occurrence, or the time of a trigger).
   */
  scheduledAt?: string;
}

export interface DialogueBoardRunResult {
  /** Null when the plan has no schedule settings or no next occurrence (nothing prepared). */
  checkInId: string | null;
  /** The meeting occurrence prepared (ISO 8601). */
  scheduledFor: string | null;
  /** False when this run found the check-in a previous run had prepared. */
  created: boolean;
}

export interface CheckInWorkflowInput {
  checkInId: string;
}

export interface ActionItemWorkflowInput {
  actionItemId: string;
}

/** The coordinator changed the date or place; the API raised `sequence` in the row first. */
export const checkInChangedSignal = defineSignal('checkInChanged');
/** The coordinator cancelled the check-in (status cancelled in the row first). */
export const checkInCancelledSignal = defineSignal('checkInCancelled');
/** The coordinator closed the check-in (minutes recorded); its workflow ends. */
export const checkInClosedSignal = defineSignal('checkInClosed');
/** The action item was closed; its workflow ends. */
export const actionItemClosedSignal = defineSignal('actionItemClosed');

export type CheckInWorkflowPhase = 'waiting_for_invitations' | 'invited' | 'waiting_for_closure' | 'closed' | 'cancelled';

export interface CheckInWorkflowState {
  checkInId: string;
  phase: CheckInWorkflowPhase;
  /** Sequence numbers whose emails went out, with their kind. */
  sent: { sequence: number; kind: CheckInEmailKind }[];
  closeReminderSent: boolean;
  /** What the workflow waits for next, and until when; null when it waits only for a signal. */
  nextTimer: { purpose: string; at: string } | null;
}

export interface ActionItemWorkflowState {
  actionItemId: string;
  reminderSent: boolean;
  closed: boolean;
  nextTimer: { purpose: string; at: string } | null;
}

export const getCheckInStateQuery = defineQuery<CheckInWorkflowState>('getCheckInState');
export const getActionItemStateQuery = defineQuery<ActionItemWorkflowState>('getActionItemState');

export type CheckInEmailKind = 'invitation' | 'update' | 'cancellation';

/** A check-in as its workflow needs it (read fresh from the database at every step). */
export interface CheckInTimes {
  checkInId: string;
  status: CheckInStatus;
  /** ISO 8601. */
  startsAt: string;
  sequence: number;
  invitationsSentAt: string | null;
  /** From the plan's CheckInPolicy (resolved). */
  invitationLeadSeconds: number;
  closeReminderAfterSeconds: number;
}

export interface SendCheckInEmailsResult {
  /** Emails put in the outbox by this call (0 when a previous attempt had). */
  queued: number;
  recipients: number;
  sequence: number;
  /** The check-in's status after the call (an invitation to a cancelled check-in sends nothing). */
  status: CheckInStatus;
}

export interface ActionItemTimes {
  actionItemId: string;
  open: boolean;
  /** ISO 8601. */
  dueAt: string;
  /** When the owner is reminded (the plan's policy applied to the due date). */
  remindAt: string;
}

/** I/O of the check-in workflows. Every activity is safe to run again (outbox keys, unique rows). */
export interface CheckInActivities {
  /**
   * Prepares the meeting at the first calendar occurrence after `scheduledAt` (the plan's schedule
   * computes it): inserts its check-in (or finds the one a previous run inserted) with the agenda
   * from the plan's state now.
   */
  prepareCheckIn(input: { planId: string; scheduledAt: string }): Promise<DialogueBoardRunResult>;
  loadCheckIn(input: { checkInId: string }): Promise<CheckInTimes | null>;
  /** Rebuilds the agenda from the plan's state unless the coordinator edited it; false when kept. */
  refreshCheckInAgenda(input: { checkInId: string }): Promise<boolean>;
  /** One email per recipient, in their language, with the .ics; `invitation` marks the check-in invited. */
  sendCheckInInvitations(input: { checkInId: string; kind: CheckInEmailKind }): Promise<SendCheckInEmailsResult>;
  /** Reminds the jurisdiction's office contacts, once, when the check-in is still not closed; false when it was. */
  remindCheckInClose(input: { checkInId: string }): Promise<boolean>;
  loadActionItem(input: { actionItemId: string }): Promise<ActionItemTimes | null>;
  /** Reminds the owner, once, when the item is still open; false when it was closed. */
  remindActionItemOwner(input: { actionItemId: string }): Promise<boolean>;
}
