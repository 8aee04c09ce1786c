import { SyncPlanScheduleCommand } from '../../plan-calendar-schedule-sync';

/** `withoutSettings`: a plan without digest settings (see SyncPlanScheduleCommand). */
export class SyncPlanDigestsCommand extends SyncPlanScheduleCommand {}
