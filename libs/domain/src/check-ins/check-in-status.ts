import { CheckInStatus } from './check-in-types';

/**
 * What may be done to a check-in in each status. The API, the workflow and the activities ask here;
 * none of them compares statuses itself.
 */

const is = (status: CheckInStatus | string, ...among: CheckInStatus[]): boolean => (among as string[]).includes(status);

/** The agenda is a draft until the invitations carry it. */
export function canEditAgenda(status: CheckInStatus | string): boolean {
  return is(status, CheckInStatus.Scheduled);
}

/** Date and place may move until the meeting is closed or cancelled (after invitations: an update is sent). */
export function canReschedule(status: CheckInStatus | string): boolean {
  return is(status, CheckInStatus.Scheduled, CheckInStatus.Invited);
}

/** A check-in not yet closed may be cancelled (after invitations: a cancellation is sent). */
export function canCancelCheckIn(status: CheckInStatus | string): boolean {
  return is(status, CheckInStatus.Scheduled, CheckInStatus.Invited);
}

/** Minutes may be recorded for a check-in not closed or cancelled; the API also requires the meeting to have started. */
export function canCloseCheckIn(status: CheckInStatus | string): boolean {
  return is(status, CheckInStatus.Scheduled, CheckInStatus.Invited);
}

/** Minutes are approved (and so published) once, after the check-in is closed. */
export function canApproveMinutes(status: CheckInStatus | string, minutesApprovedAt: Date | null | undefined): boolean {
  return is(status, CheckInStatus.Closed) && !minutesApprovedAt;
}
