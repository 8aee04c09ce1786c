import type { Language } from '@app/domain';
import { translatorFor } from '../i18n';
import { formatDateTime } from './format';
import type { RenderedEmail } from './index';
import { type Block, renderLayout } from './layout';

export interface EvidenceRequestEmailData {
  agencyName: string;
  milestoneTitle: string;
  expectedOutput: string | null;
  commitmentTitle: string;
  dueAt: Date;
  uploadUrl: string;
  linkExpiresAt: Date;
  timeZone: string;
  /** 0 for the first request, 1.. for reminders. */
  reminderNumber: number;
  /** Set when the follow-up committee returned the previous evidence: what to change. */
  returnedComments?: string;
  /** Who signs: the jurisdiction's name (its open-government team writes). */
  senderName: string;
}

/** The evidence request, and each reminder of it, in the agency's language. */
export function renderEvidenceRequestEmail(language: Language, data: EvidenceRequestEmailData): RenderedEmail {
  const say = translatorFor(language, data.timeZone);
  const isReminder = data.reminderNumber > 0;
  const returned = !isReminder && data.returnedComments ? data.returnedComments : null;
  const milestone = data.milestoneTitle;
  const subject = isReminder ? say('evidenceRequest.subjectReminder', { milestone, number: data.reminderNumber }) : returned ? say('evidenceRequest.subjectReturned', { milestone }) : say('evidenceRequest.subjectRequest', { milestone });
  const facts: [string, string][] = [
    [say('evidenceRequest.commitment'), data.commitmentTitle],
    [say('evidenceRequest.milestone'), data.milestoneTitle],
    ...(data.expectedOutput ? ([[say('evidenceRequest.output'), data.expectedOutput]] as [string, string][]) : []),
    [say('evidenceRequest.due'), formatDateTime(data.dueAt, language, data.timeZone)],
  ];
  const blocks: Block[] = [
    { kind: 'text', text: say('evidenceRequest.greeting', { agency: data.agencyName }) },
    ...(returned ? ([{ kind: 'text', text: say('evidenceRequest.returned') }, { kind: 'quote', text: returned }] as Block[]) : []),
    { kind: 'text', text: isReminder ? say('evidenceRequest.reminder') : returned ? say('evidenceRequest.resubmit') : say('evidenceRequest.ask') },
    { kind: 'facts', rows: facts },
    { kind: 'button', text: say('evidenceRequest.button'), href: data.uploadUrl },
    { kind: 'link', lead: say('evidenceRequest.how'), href: data.uploadUrl },
    { kind: 'text', text: say('evidenceRequest.expires', { date: data.linkExpiresAt }) },
  ];
  return {
    subject,
    ...renderLayout({
      language,
      subject,
      preview: facts[facts.length - 1].join(': '),
      header: data.senderName,
      blocks,
      signature: [say('evidenceRequest.closing'), say('common.signature', { sender: data.senderName })],
      footer: [{ kind: 'text', text: say('common.automatic', { sender: data.senderName }) }],
    }),
  };
}

export interface EscalationEmailData {
  milestoneTitle: string;
  commitmentTitle: string;
  agencyName: string;
  dueAt: Date;
  level: number;
  reason: 'overdue' | 'returned_again';
  timeZone: string;
  /** Who signs: the jurisdiction's name. */
  senderName: string;
}

/** An escalation, to the IMB's contacts and the open-government office. */
export function renderEscalationEmail(language: Language, data: EscalationEmailData): RenderedEmail {
  const say = translatorFor(language, data.timeZone);
  const subject = say('escalation.subject', { level: data.level, milestone: data.milestoneTitle });
  const why = data.reason === 'overdue' ? say('escalation.overdue') : say('escalation.returnedAgain');
  const blocks: Block[] = [
    { kind: 'text', text: why },
    {
      kind: 'facts',
      rows: [
        [say('escalation.commitment'), data.commitmentTitle],
        [say('escalation.milestone'), data.milestoneTitle],
        [say('escalation.agency'), data.agencyName],
        [say('escalation.due'), formatDateTime(data.dueAt, language, data.timeZone)],
        [say('escalation.level'), String(data.level)],
      ],
    },
    { kind: 'text', text: say('escalation.ask') },
  ];
  return {
    subject,
    ...renderLayout({ language, subject, preview: why, header: data.senderName, blocks, signature: [say('common.signature', { sender: data.senderName })], footer: [{ kind: 'text', text: say('common.automatic', { sender: data.senderName }) }] }),
  };
}
