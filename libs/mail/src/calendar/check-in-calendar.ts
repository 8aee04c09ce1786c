import { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendar, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { isKnownTimeZone } from '@app/domain';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';

/**
 * A check-in as a calendar event (RFC 5545), written with ical-generator; the VTIMEZONE comes from
 * timezones-ical-library (current IANA data) and the local times from luxon (the platform's Intl zone data), never a
 * fixed offset.
 */
export interface CheckInEvent {
  checkInId: string;
  /** iCalendar SEQUENCE: raised on every change of date, place or status. */
  sequence: number;
  startsAt: Date;
  durationMinutes: number;
  /** The jurisdiction's IANA zone: DTSTART and DTEND are written in it, with its VTIMEZONE. */
  timeZone: string;
  summary: string;
  description: string;
  location: string | null;
  /** The online meeting's link; written in DESCRIPTION too, since calendar clients ignore URL. */
  url: string | null;
  status: 'CONFIRMED' | 'CANCELLED';
  organizer: { name: string; email: string };
  /** DTSTAMP: when this version of the event was written (default: now). */
  stamp?: Date;
}

const PRODUCT_ID = { company: 'OGP Local Monitor', product: 'Dialogue Board check-ins', language: 'EN' } as const;

/** The event's UID: one per check-in, the same in every invitation, update, cancellation and feed. */
export function checkInEventUid(checkInId: string): string {
  return `check-in-${checkInId}@ogp-monitor`;
}

/** The file name of an invitation's attachment. */
export const CHECK_IN_ICS_FILENAME = 'invitation.ics';

/** The DESCRIPTION: the given text, with the online link on a line of its own when the text lacks it. */
export function eventDescription(event: Pick<CheckInEvent, 'description' | 'url'>): string {
  if (!event.url || event.description.includes(event.url)) return event.description;
  return event.description ? `${event.description}\n\n${event.url}` : event.url;
}

/**
 * The VTIMEZONE of an IANA zone and the TZID it is written under (an alias such as `UTC` or
 * `Asia/Calcutta` becomes its canonical name, `Etc/UTC`, `Asia/Kolkata`). RangeError for a zone
 * neither the library nor the platform knows.
 */
export function vtimezoneOf(timeZone: string): { tzid: string; vtimezone: string } {
  // Asked of the platform first: the library logs an error for a name it does not know.
  if (!isKnownTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${timeZone}`);
  const found = tzlib_get_ical_block(timeZone);
  if (!Array.isArray(found) || !found[0] || !found[1]) throw new RangeError(`Unknown time zone: ${timeZone}`);
  const tzid = found[1].replace(/^TZID=/, '');
  if (!DateTime.now().setZone(tzid).isValid) throw new RangeError(`The platform does not know the time zone ${tzid}`);
  return { tzid, vtimezone: found[0] };
}

function newCalendar(method: ICalCalendarMethod, name?: string): ICalCalendar {
  // No calendar-wide zone name: DTSTAMP stays in UTC; each event's TZID gets its VTIMEZONE from the generator.
  const calendar = new ICalCalendar({ prodId: PRODUCT_ID, method, timezone: { name: null, generator: (tzid: string) => vtimezoneOf(tzid).vtimezone } });
  if (name) calendar.name(name);
  return calendar;
}

function addEvent(calendar: ICalCalendar, event: CheckInEvent, options: { organizer: boolean; status: ICalEventStatus }) {
  const { tzid } = vtimezoneOf(event.timeZone);
  const start = DateTime.fromJSDate(event.startsAt, { zone: tzid });
  if (!start.isValid) throw new RangeError(`Cannot write the check-in at ${String(event.startsAt)} in ${tzid}: ${start.invalidExplanation ?? start.invalidReason}`);
  return calendar.createEvent({
    id: checkInEventUid(event.checkInId),
    sequence: event.sequence,
    stamp: event.stamp ?? new Date(),
    start,
    end: start.plus({ minutes: event.durationMinutes }),
    timezone: tzid,
    summary: event.summary,
    description: eventDescription(event),
    location: event.location ?? null,
    url: event.url ?? null,
    status: options.status,
    organizer: options.organizer ? { name: event.organizer.name, email: event.organizer.email } : null,
  });
}

/**
 * One check-in's invitation (METHOD:REQUEST, also for updates, with a higher SEQUENCE) or its
 * cancellation (METHOD:CANCEL, STATUS:CANCELLED), addressed to `attendee` when given.
 */
export function checkInInvitationIcs(event: CheckInEvent, method: 'REQUEST' | 'CANCEL', attendee?: { name: string; email: string }): string {
  const calendar = newCalendar(method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
  const cancelled = method === 'CANCEL' || event.status === 'CANCELLED';
  const vevent = addEvent(calendar, event, { organizer: true, status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED });
  if (attendee) {
    vevent.createAttendee({ name: attendee.name, email: attendee.email, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.NEEDSACTION, rsvp: method === 'REQUEST' });
  }
  return calendar.toString();
}

/** A plan's public feed (METHOD:PUBLISH): every check-in given, with no organizer, attendees or other personal data. */
export function checkInFeedIcs(input: { name: string; timeZone: string; events: CheckInEvent[] }): string {
  const calendar = newCalendar(ICalCalendarMethod.PUBLISH, input.name);
  for (const event of input.events) {
    addEvent(calendar, { ...event, timeZone: event.timeZone || input.timeZone }, { organizer: false, status: event.status === 'CANCELLED' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED });
  }
  return calendar.toString();
}

/** "Add to calendar" links for people whose mail client does not read the attachment. */
export function addToCalendarLinks(event: CheckInEvent): { google: string; outlook: string } {
  const start = event.startsAt;
  const end = new Date(start.getTime() + event.durationMinutes * 60_000);
  const compact = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const description = eventDescription(event);
  const google = new URLSearchParams({ action: 'TEMPLATE', text: event.summary, dates: `${compact(start)}/${compact(end)}`, ctz: event.timeZone, details: description });
  if (event.location) google.set('location', event.location);
  const outlook = new URLSearchParams({ path: '/calendar/action/compose', rru: 'addevent', subject: event.summary, startdt: start.toISOString(), enddt: end.toISOString(), body: description });
  if (event.location) outlook.set('location', event.location);
  return {
    google: `https://calendar.google.com/calendar/render?${google.toString()}`,
    outlook: `https://outlook.office.com/calendar/0/deeplink/compose?${outlook.toString()}`,
  };
}
