import { renderEscalationEmail, renderEvidenceRequestEmail } from './index';

const data = {
  agencyName: 'Secretariat of Gender and Human Rights',
  milestoneTitle: 'Gender-disaggregated data inventory completed',
  expectedOutput: 'Inventory of municipal datasets',
  commitmentTitle: 'Tools and capacities for gender-perspective policy analysis',
  dueAt: new Date('2027-03-31T23:59:00Z'),
  uploadUrl: 'https://monitor.example/evidence-uploads/abc.def',
  linkExpiresAt: new Date('2027-05-30T23:59:00Z'),
  timeZone: 'America/Argentina/Cordoba',
  reminderNumber: 0,
  senderName: 'Municipalidad de Rosario',
};

describe('renderEvidenceRequestEmail', () => {
  it('says in Spanish what is asked, by when (in the jurisdiction time zone) and where to answer', () => {
    const email = renderEvidenceRequestEmail('es', data);
    expect(email.subject).toBe('Solicitud de evidencia: Gender-disaggregated data inventory completed');
    expect(email.text).toContain('Hito: Gender-disaggregated data inventory completed');
    expect(email.text).toContain('Producto esperado: Inventory of municipal datasets');
    expect(email.text).toContain('Fecha límite: 31 de marzo de 2027'); // 20:59 in Córdoba (UTC-3)
    expect(email.text).toContain('20:59');
    expect(email.text).toContain(data.uploadUrl);
    expect(email.html).toContain(`href="${data.uploadUrl}"`);
    expect(email.text).toContain('Gracias por su trabajo.\nEquipo de Gobierno Abierto, Municipalidad de Rosario');
  });

  it('writes reminders in English, numbered', () => {
    const email = renderEvidenceRequestEmail('en', { ...data, reminderNumber: 2 });
    expect(email.subject).toBe('Reminder 2: evidence still due for Gender-disaggregated data inventory completed');
    expect(email.text).toContain('We have not yet received evidence');
    expect(email.text).toContain('Due: 31 March 2027');
  });

  it('escapes HTML in names that come from users', () => {
    const email = renderEvidenceRequestEmail('en', { ...data, milestoneTitle: '<script>alert(1)</script>' });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
  });
});

describe('renderEvidenceRequestEmail after the committee returned the evidence', () => {
  it('quotes the comments and asks for new evidence', () => {
    const email = renderEvidenceRequestEmail('es', { ...data, returnedComments: 'Falta el enlace al portal' });
    expect(email.subject).toBe('Evidencia devuelta: Gender-disaggregated data inventory completed');
    expect(email.text).toContain('El comité de seguimiento revisó la evidencia enviada y la devolvió con estos comentarios:\n\nFalta el enlace al portal');
    expect(email.text).toContain('Les pedimos enviar nueva evidencia para este hito:');
    expect(email.html).toMatch(/<blockquote[^>]*>Falta el enlace al portal<\/blockquote>/);
  });
});

describe('renderEscalationEmail', () => {
  const escalation = {
    milestoneTitle: 'Inventory published',
    commitmentTitle: 'Gender-perspective analysis',
    agencyName: 'Secretariat of Gender and Human Rights',
    dueAt: new Date('2027-03-31T23:59:00Z'),
    level: 2,
    reason: 'overdue' as const,
    timeZone: 'America/Argentina/Cordoba',
    senderName: 'Municipalidad de Rosario',
  };

  it('tells the IMB in Spanish why, at which level, and what to do', () => {
    const email = renderEscalationEmail('es', escalation);
    expect(email.subject).toBe('Escalamiento nivel 2 al Mecanismo Independiente de Monitoreo: Inventory published');
    expect(email.text).toContain('El hito está vencido sin evidencia aceptada y pasó el período de gracia.');
    expect(email.text).toContain('Institución responsable: Secretariat of Gender and Human Rights');
    expect(email.text).toContain('Nivel: 2');
  });

  it('says in English that evidence was returned again', () => {
    const email = renderEscalationEmail('en', { ...escalation, level: 1, reason: 'returned_again' });
    expect(email.subject).toBe('Level 1 escalation to the Independent Monitoring Body: Inventory published');
    expect(email.text).toContain('returned a second time');
    expect(email.text).toContain('Due: 31 March 2027');
  });
});
