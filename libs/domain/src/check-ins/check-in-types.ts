/**
 * The Dialogue Board's monthly check-ins: the words shared by the API, the workflows, the
 * activities and the mail. Rules over them live beside this file (agenda composition, recipients,
 * policy, action items), one definition each.
 */

/** How people attend: in person (an address), online (a URL) or both. */
export enum MeetingMode {
  InPerson = 'in_person',
  Online = 'online',
  Hybrid = 'hybrid',
}

/** Where a check-in stands. Stored as text; never renumber. */
export enum CheckInStatus {
  /** Created by a schedule run; the agenda is a draft the coordinator may edit. */
  Scheduled = 'scheduled',
  /** Invitations went out (the agenda is what they carried). */
  Invited = 'invited',
  /** The coordinator recorded minutes, attendance, decisions and action items. */
  Closed = 'closed',
  Cancelled = 'cancelled',
}

export enum ActionItemStatus {
  Open = 'open',
  Closed = 'closed',
}

/** A calendar field as Temporal's schedules read it: every value ('*') or a list of ranges (end and step optional). */
export interface CalendarRange {
  start: number;
  end?: number;
  step?: number;
}
export type CalendarField = '*' | CalendarRange[];

export const DAYS_OF_WEEK = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

/**
 * When the Dialogue Board meets, in the jurisdiction's local time (a subset of Temporal's calendar
 * spec, JSON as stored). The first Tuesday of each month at 18:00 is
 * `{ dayOfMonth: [{ start: 1, end: 7 }], dayOfWeek: ['TUESDAY'], hour: [{ start: 18 }], minute: [{ start: 0 }] }`;
 * a test meets every 20 seconds with `{ second: [{ start: 0, end: 59, step: 20 }], minute: '*', hour: '*' }`.
 */
export interface MeetingCalendar {
  /** Default [{ start: 0 }]. */
  second?: CalendarField;
  minute: CalendarField;
  hour: CalendarField;
  /** Default '*'. */
  dayOfMonth?: CalendarField;
  /** Default '*'. */
  month?: CalendarField;
  /** Default '*' (any day). */
  dayOfWeek?: DayOfWeek[] | '*';
}

/** The durations of a plan's check-ins; every wait of the check-in workflows comes from here. */
export interface CheckInPolicy {
  /** Length of a meeting. */
  durationMinutes: number;
  /** How long before the meeting the invitations go out (the agenda can be edited until then). */
  invitationLeadSeconds: number;
  /** A check-in not closed this long after its start reminds the coordinator. */
  closeReminderAfterSeconds: number;
  /** How long before its due date an action item's owner is reminded. */
  actionItemReminderLeadSeconds: number;
  /** The agenda lists milestones due within this window after the meeting is prepared ("the next 30 days"). */
  upcomingWindowSeconds: number;
}

export type AgendaItemKind =
  | 'milestones_due_soon'
  | 'milestones_overdue'
  | 'evidence_under_review'
  | 'open_escalations'
  | 'replannings'
  | 'open_action_items'
  /** Added by the coordinator. */
  | 'other';

/** What an agenda item concerns (ids in this system). */
export interface AgendaLink {
  type: 'commitment' | 'milestone' | 'evidence' | 'escalation' | 'replanning' | 'action_item' | 'check_in';
  id: string;
  /** Human-readable label (a milestone's title, an escalation's recommendation…), for the invitation. */
  label: string;
  /**
   * The facts behind the label, as data, so an email can say them in its reader's language (the
   * label is English). Dates are ISO instants. Absent on links the coordinator wrote.
   */
  details?: AgendaLinkDetails;
}

/** What composeAgenda knows about a link beyond its label; every field optional. */
export interface AgendaLinkDetails {
  /** The action item's own title. */
  title?: string;
  /** The milestone a milestone, evidence, escalation or replanning link is about. */
  milestoneTitle?: string;
  /** A milestone's or an action item's due date. */
  dueAt?: string;
  /** An action item (or milestone) past its due date. */
  overdue?: boolean;
  /** An escalation's level (1 or 2). */
  level?: number;
  /** The IMB's recommendation on an escalation, null while it has none. */
  recommendation?: string | null;
  /** A replanning's old and new due dates and its reason. */
  previousDueAt?: string;
  newDueAt?: string;
  reason?: string;
  /** An action item's owner. */
  ownerName?: string;
}

export interface AgendaItem {
  kind: AgendaItemKind;
  title: string;
  durationMinutes: number;
  /** The commitment the item is about; null for items about the whole plan (open action items, other). */
  commitmentId: string | null;
  links: AgendaLink[];
}
