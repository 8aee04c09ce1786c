import { CheckInStatus } from './check-in-types';
import { canApproveMinutes, canCancelCheckIn, canCloseCheckIn, canEditAgenda, canReschedule } from './check-in-status';

describe('check-in status rules', () => {
  const all = Object.values(CheckInStatus);
  const allowed = (rule: (status: CheckInStatus) => boolean) => all.filter(rule);

  it('lets the agenda be edited only before invitations go out', () => {
    expect(allowed(canEditAgenda)).toEqual([CheckInStatus.Scheduled]);
  });

  it('lets a check-in be rescheduled, cancelled or closed until it is closed or cancelled', () => {
    expect(allowed(canReschedule)).toEqual([CheckInStatus.Scheduled, CheckInStatus.Invited]);
    expect(allowed(canCancelCheckIn)).toEqual([CheckInStatus.Scheduled, CheckInStatus.Invited]);
    expect(allowed(canCloseCheckIn)).toEqual([CheckInStatus.Scheduled, CheckInStatus.Invited]);
  });

  it('approves minutes once, after closing', () => {
    expect(allowed((status) => canApproveMinutes(status, null))).toEqual([CheckInStatus.Closed]);
    expect(canApproveMinutes(CheckInStatus.Closed, new Date())).toBe(false);
    expect(canApproveMinutes('unknown', null)).toBe(false);
  });
});
