import { checkInEmailKey, invitationRecipients, supportedLanguageOr } from './recipients';

describe('invitationRecipients', () => {
  const boardMembers = [
    { name: 'Fundación Nueva Generación', email: 'contacto@fng.org', language: 'es' },
    { name: 'Sin correo', email: null, language: 'es' },
    { name: 'Open Data Lab', email: 'Hello@OpenData.example', language: 'en' },
    { name: 'Colectivo', email: 'info@colectivo.org', language: 'de' },
  ];
  const committeeMembers = [
    { commitmentId: 'c1', name: 'Committee copy of a board member', email: 'hello@opendata.example', language: 'es' },
    { commitmentId: 'c1', name: 'Ana Pérez', email: 'ana@unr.edu.ar', language: null },
    { commitmentId: 'c2', name: 'Not on the agenda', email: 'otro@ejemplo.org', language: 'en' },
    { commitmentId: 'c1', name: 'Blank', email: '  ', language: 'en' },
  ];

  it('invites every board member with an email and the committees of the commitments on the agenda, each once, sorted by email', () => {
    const recipients = invitationRecipients({ boardMembers, committeeMembers, agendaCommitmentIds: ['c1'], defaultLanguage: 'es' });
    expect(recipients).toEqual([
      { email: 'ana@unr.edu.ar', name: 'Ana Pérez', language: 'es' },
      { email: 'contacto@fng.org', name: 'Fundación Nueva Generación', language: 'es' },
      { email: 'Hello@OpenData.example', name: 'Open Data Lab', language: 'en' },
      { email: 'info@colectivo.org', name: 'Colectivo', language: 'es' },
    ]);
  });

  it('gives a missing or unsupported language the jurisdiction default', () => {
    const recipients = invitationRecipients({ boardMembers: [], committeeMembers, agendaCommitmentIds: ['c1'], defaultLanguage: 'en' });
    expect(recipients.find((r) => r.email === 'ana@unr.edu.ar')!.language).toBe('en');
    expect(supportedLanguageOr('EN ', 'es')).toBe('en');
    expect(supportedLanguageOr('de', 'es')).toBe('es');
    expect(supportedLanguageOr('FR', 'es')).toBe('fr');
  });

  it('invites nobody from committees when the agenda is about no commitment', () => {
    expect(invitationRecipients({ boardMembers: [], committeeMembers, agendaCommitmentIds: [], defaultLanguage: 'es' })).toEqual([]);
  });
});

describe('checkInEmailKey', () => {
  it('is one per check-in, kind, sequence and address (without case)', () => {
    expect(checkInEmailKey('invitation', 'k1', 0, 'Ana@Example.org')).toBe('check-in-invitation:k1:0:ana@example.org');
    expect(checkInEmailKey('update', 'k1', 1, 'ana@example.org')).not.toBe(checkInEmailKey('update', 'k1', 2, 'ana@example.org'));
  });
});
