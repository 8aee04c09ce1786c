import { type AgendaItem, composeAgenda, DEFAULT_CHECK_IN_POLICY, MeetingMode, MilestoneStatus } from '@app/domain';
import { type CheckInEmailData, renderActionItemReminderEmail, renderCheckInCloseReminderEmail, renderCheckInEmail } from './check-in';

const agenda: AgendaItem[] = composeAgenda(
  {
    commitments: [
      {
        id: 'c-ocds',
        title: 'Open contracting',
        milestones: [
          { id: 'm1', title: 'OCDS portal online', status: MilestoneStatus.Open, dueAt: new Date('2027-03-15T15:00:00Z') },
          { id: 'm2', title: 'Procurement audit', status: MilestoneStatus.Overdue, dueAt: new Date('2027-02-10T15:00:00Z') },
        ],
        evidenceUnderReview: [{ id: 'e1', milestoneId: 'm3', milestoneTitle: 'Data dictionary' }],
        openEscalations: [{ id: 'x1', milestoneId: 'm2', milestoneTitle: 'Procurement audit', level: 1, recommendation: 'Assign a data officer' }],
        replanningsSince: [{ id: 'r1', milestoneId: 'm1', milestoneTitle: 'OCDS portal online', previousDueAt: new Date('2027-02-15T15:00:00Z'), newDueAt: new Date('2027-03-15T15:00:00Z'), reason: 'Vendor delay' }],
      },
    ],
    openActionItems: [{ id: 'a1', title: 'Share the dataset', ownerName: 'PoliLab UNR', dueAt: new Date('2027-02-20T15:00:00Z'), commitmentId: null, checkInId: 'k0' }],
  },
  { now: new Date('2027-02-23T21:00:00Z'), policy: DEFAULT_CHECK_IN_POLICY },
);

const data: CheckInEmailData = {
  kind: 'invitation',
  recipientName: 'Fundación Nueva Generación',
  planTitle: 'Rosario action plan',
  jurisdictionName: 'Rosario',
  startsAt: new Date('2027-03-02T21:00:00Z'),
  durationMinutes: 120,
  timeZone: 'America/Argentina/Cordoba',
  mode: MeetingMode.Hybrid,
  address: 'Palacio Municipal, Buenos Aires 711',
  onlineUrl: 'https://meet.example/rosario?x=1&y=2',
  agenda: [...agenda, { kind: 'other', title: 'Calendario del segundo semestre', durationMinutes: 10, commitmentId: null, links: [] }],
  commitmentTitles: { 'c-ocds': 'Contrataciones abiertas' },
  addToCalendar: { google: 'https://calendar.google.com/calendar/render?action=TEMPLATE&text=x', outlook: 'https://outlook.office.com/calendar/0/deeplink/compose?subject=x' },
  feedUrl: 'https://monitor.example/public/plans/p1/check-ins.ics',
  senderName: 'Municipalidad de Rosario',
};

describe('renderCheckInEmail', () => {
  it('invites in Spanish with the local date and time, place and link, the agenda by kind, calendar links and the feed', () => {
    const email = renderCheckInEmail('es', data);
    expect(email.subject).toBe('Mesa de Diálogo, reunión de seguimiento del 2 de marzo de 2027: Rosario action plan');
    expect(email.text).toContain('Estimado/a Fundación Nueva Generación:');
    expect(email.text).toContain('Cuándo: 2 de marzo de 2027'); // 18:00 in Rosario (UTC-3)
    expect(email.text).toContain('18:00');
    expect(email.text).toContain('Duración: 120 minutos');
    expect(email.text).toContain('Modalidad: Presencial y en línea');
    expect(email.text).toContain('Dónde: Palacio Municipal, Buenos Aires 711');
    expect(email.text).toContain('Enlace para participar en línea: https://meet.example/rosario?x=1&y=2');
    expect(email.text).toContain('Participar en línea: https://meet.example/rosario?x=1&y=2');
    expect(email.text).toMatch(/\d\. Hitos que vencen pronto: Contrataciones abiertas \(7 min\)\n    · OCDS portal online \(vence el 15 de marzo de 2027\)/);
    expect(email.text).toMatch(/\d\. Hitos vencidos: Contrataciones abiertas \(7 min\)\n    · Procurement audit \(venció el 10 de febrero de 2027\)/);
    expect(email.text).toContain('    · Data dictionary');
    expect(email.text).toContain('    · Procurement audit (nivel 1): el MIM recomienda: Assign a data officer');
    expect(email.text).toContain('    · OCDS portal online: del 15 de febrero de 2027 al 15 de marzo de 2027 (Vendor delay)');
    expect(email.text).toMatch(/\d\. Tareas pendientes de reuniones anteriores \(7 min\)\n    · Share the dataset \(PoliLab UNR, venció el 20 de febrero de 2027, VENCIDA\)/);
    expect(email.text).toMatch(/\d\. Calendario del segundo semestre \(10 min\)/);
    expect(email.text).toContain('Total: 52 minutos');
    expect(email.text).toContain(data.addToCalendar.google);
    expect(email.text).toContain(data.addToCalendar.outlook);
    expect(email.text).toContain(data.feedUrl);
    expect(email.html).toContain('href="https://meet.example/rosario?x=1&amp;y=2"');
    expect(email.html).toContain('Orden del día</div>');
    expect(email.text).toContain('Gracias por participar.\nEquipo de Gobierno Abierto, Municipalidad de Rosario');
  });

  it('invites in English from the same agenda', () => {
    const email = renderCheckInEmail('en', data);
    expect(email.subject).toBe('Dialogue Board check-in, 2 March 2027: Rosario action plan');
    expect(email.text).toContain('When: 2 March 2027');
    expect(email.text).toMatch(/\d\. Overdue milestones: Contrataciones abiertas \(7 min\)\n    · Procurement audit \(was due 10 February 2027\)/);
    expect(email.text).toContain('Procurement audit (level 1): the IMB recommends: Assign a data officer');
    expect(email.text).toContain('Share the dataset (PoliLab UNR, due 20 February 2027, OVERDUE)');
  });

  it('shows only the address in person and only the link online', () => {
    const inPerson = renderCheckInEmail('en', { ...data, mode: MeetingMode.InPerson });
    expect(inPerson.text).toContain('Where: Palacio Municipal');
    expect(inPerson.text).not.toContain('meet.example');
    const online = renderCheckInEmail('en', { ...data, mode: MeetingMode.Online });
    expect(online.text).not.toContain('Palacio Municipal');
    expect(online.text).toContain('Online link: https://meet.example/rosario?x=1&y=2');
    expect(online.html).toContain('Join online');
  });

  it('says what changed in an update and why in a cancellation, without the agenda', () => {
    expect(renderCheckInEmail('en', { ...data, kind: 'update' }).subject).toBe('Updated: Dialogue Board check-in, 2 March 2027: Rosario action plan');
    const cancelled = renderCheckInEmail('es', { ...data, kind: 'cancellation', cancelledReason: 'Feriado provincial' });
    expect(cancelled.subject).toBe('Cancelada: Mesa de Diálogo, reunión de seguimiento del 2 de marzo de 2027: Rosario action plan');
    expect(cancelled.text).toContain('queda cancelada');
    expect(cancelled.text).toContain('Motivo: Feriado provincial');
    expect(cancelled.text).not.toContain('Orden del día');
  });

  it('says when the agenda is empty', () => {
    expect(renderCheckInEmail('en', { ...data, agenda: [] }).text).toContain('The agenda has no items yet.');
  });

  it('escapes HTML in everything users wrote', () => {
    const email = renderCheckInEmail('en', { ...data, planTitle: '<script>x</script>', recipientName: '<b>', agenda: [{ kind: 'other', title: '<img src=x>', durationMinutes: 5, commitmentId: null, links: [{ type: 'check_in', id: 'k', label: '<i>' }] }] });
    expect(email.html).not.toMatch(/<script>|<img|<b>|<i>/);
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.text).toContain('<script>x</script>');
  });
});

describe('renderCheckInCloseReminderEmail', () => {
  it('asks the coordinator for the minutes of a past check-in, with the link', () => {
    const email = renderCheckInCloseReminderEmail('en', { planTitle: 'Rosario action plan', startsAt: data.startsAt, timeZone: data.timeZone, checkInUrl: 'https://monitor.example/check-ins/k1', senderName: 'Municipality of Rosario' });
    expect(email.subject).toBe('Check-in of 2 March 2027 not closed yet: Rosario action plan');
    expect(email.text).toContain('https://monitor.example/check-ins/k1');
    expect(renderCheckInCloseReminderEmail('es', { planTitle: 'P', startsAt: data.startsAt, timeZone: data.timeZone, checkInUrl: 'https://x', senderName: 'Rosario' }).subject).toBe('Reunión del 2 de marzo de 2027 sin cerrar: P');
  });
});

describe('renderActionItemReminderEmail', () => {
  it('reminds the owner in their language of the item and its due date in local time', () => {
    const email = renderActionItemReminderEmail('es', { ownerName: 'PoliLab UNR', title: 'Compartir el conjunto de datos', dueAt: new Date('2027-03-10T15:00:00Z'), timeZone: 'America/Argentina/Cordoba', planTitle: 'Plan Rosario', senderName: 'Municipalidad de Rosario' });
    expect(email.subject).toBe('Recordatorio: tarea con vencimiento el 10 de marzo de 2027: Compartir el conjunto de datos');
    expect(email.text).toContain('Estimado/a PoliLab UNR:');
    expect(email.text).toContain('Tarea: Compartir el conjunto de datos');
    expect(email.text).toContain('12:00');
    expect(renderActionItemReminderEmail('en', { ownerName: 'O', title: 'T', dueAt: new Date('2027-03-10T15:00:00Z'), timeZone: 'Europe/Madrid', planTitle: 'P', senderName: 'Ayuntamiento de Madrid' }).text).toContain('Due: 10 March 2027 at 16:00');
  });
});
