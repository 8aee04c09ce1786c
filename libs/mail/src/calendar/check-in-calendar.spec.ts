import ICAL from 'ical.js';
import { addToCalendarLinks, type CheckInEvent, checkInEventUid, checkInFeedIcs, checkInInvitationIcs } from './check-in-calendar';

const event: CheckInEvent = {
  checkInId: '6f1c2d3e-0000-4000-8000-000000000001',
  sequence: 2,
  // The first Tuesday of March 2027, 18:00 in Santiago (daylight saving, -03).
  startsAt: new Date('2027-03-02T21:00:00Z'),
  durationMinutes: 120,
  timeZone: 'America/Santiago',
  summary: 'Mesa de Diálogo: reunión de seguimiento; marzo',
  description: 'Orden del día:\n- Hitos vencidos',
  location: 'Palacio Municipal, Sala 1',
  url: 'https://meet.example/rosario-board',
  status: 'CONFIRMED',
  organizer: { name: 'Dirección de Gobierno Abierto', email: 'gobiernoabierto@rosario.example' },
  stamp: new Date('2027-02-20T10:00:00Z'),
};

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevents = calendar.getAllSubcomponents('vevent');
  expect(vevents).toHaveLength(1);
  return { calendar, vevent: vevents[0]! };
}

describe('checkInInvitationIcs', () => {
  it('writes a REQUEST a real parser reads: stable UID, SEQUENCE, DTSTART in the zone with its VTIMEZONE, the link in DESCRIPTION', () => {
    const ics = checkInInvitationIcs(event, 'REQUEST', { name: 'Ana Pérez', email: 'ana@unr.example' });
    const { calendar, vevent } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(vevent.getFirstPropertyValue('uid')).toBe(`check-in-${event.checkInId}@ogp-monitor`);
    expect(checkInEventUid(event.checkInId)).toBe(vevent.getFirstPropertyValue('uid'));
    expect(vevent.getFirstPropertyValue('sequence')).toBe(2);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const dtstart = vevent.getFirstProperty('dtstart')!;
    expect(dtstart.getParameter('tzid')).toBe('America/Santiago');
    expect((dtstart.getFirstValue() as ICAL.Time).toString()).toBe('2027-03-02T18:00:00');
    expect(ics).toContain('DTSTART;TZID=America/Santiago:20270302T180000');
    expect(ics).toContain('DTEND;TZID=America/Santiago:20270302T200000');

    const vtimezone = calendar.getFirstSubcomponent('vtimezone')!;
    expect(vtimezone.getFirstPropertyValue('tzid')).toBe('America/Santiago');
    // With the zone's rules, the parser itself resolves the local start to the right instant.
    const zone = new ICAL.Timezone(vtimezone);
    const start = (dtstart.getFirstValue() as ICAL.Time).clone();
    start.zone = zone;
    expect(start.toJSDate().toISOString()).toBe('2027-03-02T21:00:00.000Z');

    expect(vevent.getFirstPropertyValue('description')).toBe('Orden del día:\n- Hitos vencidos\n\nhttps://meet.example/rosario-board');
    expect(vevent.getFirstPropertyValue('summary')).toBe(event.summary);
    expect(vevent.getFirstPropertyValue('location')).toBe(event.location);
    expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:gobiernoabierto@rosario.example');
    const attendee = vevent.getFirstProperty('attendee')!;
    expect(String(attendee.getFirstValue()).toLowerCase()).toBe('mailto:ana@unr.example');
    expect(attendee.getParameter('rsvp')).toBe('TRUE');
    expect(vevent.getFirstPropertyValue('dtstamp')!.toString()).toBe('2027-02-20T10:00:00Z');
  });

  it('does not repeat a link the description already carries', () => {
    const ics = checkInInvitationIcs({ ...event, description: `Link: ${event.url}` }, 'REQUEST');
    expect(parse(ics).vevent.getFirstPropertyValue('description')).toBe(`Link: ${event.url}`);
  });

  it('writes the offset of winter time for a meeting after the change (Santiago, July: -04)', () => {
    const ics = checkInInvitationIcs({ ...event, startsAt: new Date('2027-07-06T22:00:00Z') }, 'REQUEST');
    expect(ics).toContain('DTSTART;TZID=America/Santiago:20270706T180000');
  });

  it('writes a CANCEL with the same UID, the new SEQUENCE and STATUS:CANCELLED', () => {
    const { calendar, vevent } = parse(checkInInvitationIcs({ ...event, sequence: 3 }, 'CANCEL', { name: 'Ana Pérez', email: 'ana@unr.example' }));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('uid')).toBe(`check-in-${event.checkInId}@ogp-monitor`);
    expect(vevent.getFirstPropertyValue('sequence')).toBe(3);
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it.each([
    ['Europe/Madrid', '2027-03-29T16:00:00Z', 'Europe/Madrid', '20270329T180000'], // the day after the change: CEST, +02
    ['Europe/Madrid', '2027-03-26T17:00:00Z', 'Europe/Madrid', '20270326T180000'], // the Friday before: CET, +01
    ['Europe/Kyiv', '2027-03-02T16:00:00Z', 'Europe/Kyiv', '20270302T180000'],
    ['UTC', '2027-03-02T18:00:00Z', 'Etc/UTC', '20270302T180000'], // an alias is written under its canonical TZID, as its VTIMEZONE is
  ])('writes a meeting in %s at %s with a VTIMEZONE the parser resolves to the same instant', (timeZone, instant, tzid, local) => {
    const ics = checkInInvitationIcs({ ...event, timeZone, startsAt: new Date(instant) }, 'REQUEST');
    expect(ics).toContain(`DTSTART;TZID=${tzid}:${local}`);
    const { calendar, vevent } = parse(ics);
    const vtimezone = calendar.getFirstSubcomponent('vtimezone')!;
    expect(vtimezone.getFirstPropertyValue('tzid')).toBe(tzid);
    const start = (vevent.getFirstPropertyValue('dtstart') as ICAL.Time).clone();
    start.zone = new ICAL.Timezone(vtimezone);
    expect(start.toJSDate().toISOString()).toBe(new Date(instant).toISOString());
  });

  it('refuses a zone the platform does not know', () => {
    expect(() => checkInInvitationIcs({ ...event, timeZone: 'Mars/Olympus_Mons' }, 'REQUEST')).toThrow(RangeError);
  });
});

describe('checkInFeedIcs', () => {
  it('publishes every check-in with no organizer or attendees', () => {
    const cancelled = { ...event, checkInId: 'k2', startsAt: new Date('2027-04-06T22:00:00Z'), status: 'CANCELLED' as const, sequence: 4 };
    const ics = checkInFeedIcs({ name: 'Mesa de Diálogo: Plan Rosario', timeZone: 'America/Santiago', events: [event, cancelled] });
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getFirstPropertyValue('name')).toBe('Mesa de Diálogo: Plan Rosario');
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(vevents.map((v) => [v.getFirstPropertyValue('uid'), v.getFirstPropertyValue('status')])).toEqual([
      [`check-in-${event.checkInId}@ogp-monitor`, 'CONFIRMED'],
      ['check-in-k2@ogp-monitor', 'CANCELLED'],
    ]);
    expect(calendar.getAllSubcomponents('vtimezone')).toHaveLength(1);
    expect(ics).not.toMatch(/ORGANIZER|ATTENDEE|@rosario\.example|mailto:/i);
  });

  it('is a valid empty calendar when there is no check-in', () => {
    const calendar = new ICAL.Component(ICAL.parse(checkInFeedIcs({ name: 'Plan', timeZone: 'Europe/Madrid', events: [] })));
    expect(calendar.getAllSubcomponents('vevent')).toEqual([]);
  });
});

describe('addToCalendarLinks', () => {
  it('gives Google and Outlook links with the instant, the zone, the place and the online link', () => {
    const links = addToCalendarLinks(event);
    const google = new URL(links.google);
    expect(google.host).toBe('calendar.google.com');
    expect(google.searchParams.get('dates')).toBe('20270302T210000Z/20270302T230000Z');
    expect(google.searchParams.get('ctz')).toBe('America/Santiago');
    expect(google.searchParams.get('text')).toBe(event.summary);
    expect(google.searchParams.get('location')).toBe(event.location);
    expect(google.searchParams.get('details')).toContain(event.url);
    const outlook = new URL(links.outlook);
    expect(outlook.searchParams.get('startdt')).toBe('2027-03-02T21:00:00.000Z');
    expect(outlook.searchParams.get('enddt')).toBe('2027-03-02T23:00:00.000Z');
    expect(outlook.searchParams.get('body')).toContain(event.url);
  });
});
