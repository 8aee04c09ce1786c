import { type Language, SUPPORTED_LANGUAGES } from '../ogp-vocabulary';

/** One person a check-in's invitation goes to, in their language. */
export interface InvitationRecipient {
  email: string;
  name: string;
  language: Language;
}

/** A stored language when this system writes in it, else `fallback`. */
export function supportedLanguageOr(language: string | null | undefined, fallback: Language): Language {
  const normalized = (language ?? '').trim().toLowerCase();
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(normalized) ? (normalized as Language) : fallback;
}

/**
 * Who is invited to a check-in: every Dialogue Board member with an email, and the follow-up
 * committee members of the commitments on the agenda. Each address once (compared without case; a
 * board member's own entry wins over a committee entry), each in their language (one this system
 * does not write, or none, gives the jurisdiction's), sorted by email.
 */
export function invitationRecipients(input: {
  boardMembers: { name: string; email: string | null; language: string }[];
  committeeMembers: { commitmentId: string; name: string; email: string | null; language: string | null }[];
  agendaCommitmentIds: string[];
  defaultLanguage: Language;
}): InvitationRecipient[] {
  const byEmail = new Map<string, InvitationRecipient>();
  const add = (person: { name: string; email: string | null; language: string | null }) => {
    const email = person.email?.trim();
    if (!email) return;
    const key = email.toLowerCase();
    if (byEmail.has(key)) return;
    byEmail.set(key, { email, name: person.name, language: supportedLanguageOr(person.language, input.defaultLanguage) });
  };
  input.boardMembers.forEach(add);
  const onAgenda = new Set(input.agendaCommitmentIds);
  input.committeeMembers.filter((member) => onAgenda.has(member.commitmentId)).forEach(add);
  return [...byEmail.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, recipient]) => recipient);
}

/**
 * The outbox key of one check-in email to one address: one per check-in, kind, SEQUENCE and address,
 * so a repeated run sends nothing twice and every change (a new SEQUENCE) is sent once.
 */
export function checkInEmailKey(kind: 'invitation' | 'update' | 'cancellation' | 'close-reminder', checkInId: string, sequence: number, email: string): string {
  return `check-in-${kind}:${checkInId}:${sequence}:${email.trim().toLowerCase()}`;
}
