import { Test, TestingModule } from '@nestjs/testing';
import ICAL from 'ical.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MailSink, type ReceivedMail } from '../../infra/dev-stack/mail-sink';
import { APP_CONFIG, AppConfigModule } from '../../libs/config/src';
import { checkInEmailKey, composeAgenda, DEFAULT_CHECK_IN_POLICY, MeetingMode, MilestoneStatus } from '../../libs/domain/src';
import { addToCalendarLinks, type CheckInEvent, CHECK_IN_ICS_FILENAME, checkInInvitationIcs, MailModule, OutboxService, renderCheckInEmail } from '../../libs/mail/src';
import { OutboxMessageEntity, PersistenceModule } from '../../libs/persistence/src';
import { testConfig } from '../support/test-system';

/** A check-in invitation through the real outbox and SMTP: a proper calendar invitation, once per key. */
describe('check-in invitations through the outbox', () => {
  let sink: MailSink;
  let moduleRef: TestingModule;
  let outbox: OutboxService;
  let db: DataSource;

  beforeAll(async () => {
    sink = new MailSink();
    const smtp = await sink.start();
    moduleRef = await Test.createTestingModule({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule] })
      .overrideProvider(APP_CONFIG)
      .useValue(testConfig(smtp.url))
      .compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    outbox = moduleRef.get(OutboxService);
    db = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await sink?.stop();
  });

  const timeZone = 'America/Argentina/Cordoba';
  const startsAt = new Date('2027-03-02T21:00:00Z'); // first Tuesday of March, 18:00 in Rosario

  function checkInEvent(checkInId: string, sequence: number, status: CheckInEvent['status'] = 'CONFIRMED'): CheckInEvent {
    return {
      checkInId,
      sequence,
      startsAt,
      durationMinutes: 120,
      timeZone,
      summary: 'Mesa de Diálogo: Plan de Acción Rosario',
      description: 'Reunión mensual de seguimiento',
      location: 'Palacio Municipal, Buenos Aires 711',
      url: 'https://meet.example/rosario',
      status,
      organizer: { name: 'Dirección de Gobierno Abierto', email: 'gobiernoabierto@rosario.example' },
    };
  }

  function invitation(checkInId: string, to: string, kind: 'invitation' | 'cancellation', sequence: number) {
    const event = checkInEvent(checkInId, sequence, kind === 'cancellation' ? 'CANCELLED' : 'CONFIRMED');
    const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
    const agenda = composeAgenda(
      {
        commitments: [{ id: 'c1', title: 'Contrataciones abiertas', milestones: [{ id: 'm1', title: 'Portal OCDS', status: MilestoneStatus.Open, dueAt: new Date('2027-03-20T12:00:00Z') }], evidenceUnderReview: [], openEscalations: [], replanningsSince: [] }],
        openActionItems: [],
      },
      { now: new Date('2027-02-23T21:00:00Z'), policy: DEFAULT_CHECK_IN_POLICY },
    );
    const rendered = renderCheckInEmail('es', {
      kind,
      recipientName: 'Ana Pérez',
      planTitle: 'Plan de Acción Rosario',
      jurisdictionName: 'Rosario',
      startsAt,
      durationMinutes: 120,
      timeZone,
      mode: MeetingMode.Hybrid,
      address: event.location,
      onlineUrl: event.url,
      agenda,
      commitmentTitles: { c1: 'Contrataciones abiertas' },
      addToCalendar: addToCalendarLinks(event),
      feedUrl: 'http://127.0.0.1/public/plans/p1/check-ins.ics',
      senderName: 'Municipalidad de Rosario',
    });
    return {
      ...rendered,
      idempotencyKey: checkInEmailKey(kind, checkInId, sequence, to),
      to,
      calendarEvent: { method, content: checkInInvitationIcs(event, method, { name: 'Ana Pérez', email: to }), filename: CHECK_IN_ICS_FILENAME },
    } as const;
  }

  /** The message's text/calendar part: its method parameter and its parsed iCalendar. */
  function calendarPart(mail: ReceivedMail) {
    const part = mail.parsed.attachments.find((attachment) => attachment.contentType === 'text/calendar');
    expect(part).toBeDefined();
    const contentType = part!.headers.get('content-type') as { value: string; params: Record<string, string> };
    const calendar = new ICAL.Component(ICAL.parse(part!.content.toString('utf8')));
    return { method: contentType.params.method, calendar, vevent: calendar.getFirstSubcomponent('vevent')! };
  }

  it('sends an invitation with a text/calendar part (method=REQUEST) and the text, once for the same key', async () => {
    const checkInId = randomUUID();
    const to = `ana.${randomBytes(4).toString('hex')}@test.example`;
    const email = invitation(checkInId, to, 'invitation', 0);
    await expect(outbox.send(email)).resolves.toBe('sent');
    await expect(outbox.send(email)).resolves.toBe('already_sent');

    const received = sink.to(to);
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.parsed.subject).toBe('Mesa de Diálogo, reunión de seguimiento del 2 de marzo de 2027: Plan de Acción Rosario');
    expect(mail.parsed.text).toContain('Cuándo: 2 de marzo de 2027');
    expect(mail.parsed.text).toContain('18:00');
    expect(mail.parsed.text).toContain('https://meet.example/rosario');
    expect(mail.parsed.text).toContain('Hitos que vencen pronto: Contrataciones abiertas');
    expect(mail.parsed.html).toContain('href="https://meet.example/rosario"');

    const { method, calendar, vevent } = calendarPart(mail);
    expect(method).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(vevent.getFirstPropertyValue('uid')).toBe(`check-in-${checkInId}@ogp-monitor`);
    expect(vevent.getFirstPropertyValue('sequence')).toBe(0);
    expect(vevent.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(timeZone);
    expect(String(vevent.getFirstPropertyValue('description'))).toContain('https://meet.example/rosario');

    const stored = await db.getRepository(OutboxMessageEntity).findOneByOrFail({ idempotencyKey: email.idempotencyKey });
    expect(stored.status).toBe('sent');
    expect(stored.calendarEvent).toEqual({ method: 'REQUEST', content: email.calendarEvent.content, filename: CHECK_IN_ICS_FILENAME });
  });

  it('sends a cancellation as method=CANCEL with the same UID and a higher SEQUENCE', async () => {
    const checkInId = randomUUID();
    const to = `board.${randomBytes(4).toString('hex')}@test.example`;
    await expect(outbox.send(invitation(checkInId, to, 'invitation', 0))).resolves.toBe('sent');
    await expect(outbox.send(invitation(checkInId, to, 'cancellation', 1))).resolves.toBe('sent');
    const [first, cancellation] = sink.to(to);
    expect(cancellation!.parsed.subject).toMatch(/^Cancelada:/);
    const parsed = calendarPart(cancellation!);
    expect(parsed.method).toBe('CANCEL');
    expect(parsed.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(parsed.vevent.getFirstPropertyValue('sequence')).toBe(1);
    expect(parsed.vevent.getFirstPropertyValue('uid')).toBe(calendarPart(first!).vevent.getFirstPropertyValue('uid'));
  });

  it('sends the invitation again, calendar part included, when a coordinator resends a failed message', async () => {
    const to = `refused.${randomBytes(4).toString('hex')}@test.example`;
    sink.rejectRecipients.add(to);
    const email = invitation(randomUUID(), to, 'invitation', 0);
    await expect(outbox.send(email)).resolves.toBe('failed_permanently');
    sink.rejectRecipients.delete(to);
    const stored = await db.getRepository(OutboxMessageEntity).findOneByOrFail({ idempotencyKey: email.idempotencyKey });
    await expect(outbox.resend(stored.id)).resolves.toBe('sent');
    const received = sink.to(to);
    expect(received).toHaveLength(1);
    expect(calendarPart(received[0]!).method).toBe('REQUEST');
  });
});
