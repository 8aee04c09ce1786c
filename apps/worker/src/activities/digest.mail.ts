import type { DigestContent } from '@app/domain';
import { escapeHtml } from '@app/mail';

/**
 * The markers a digest issue carries where each recipient's own links go; the outbox fills them per
 * message (fillTemplate), and the public archive with the plan's public page.
 */
export const DIGEST_LINK_MARKERS = { preferencesUrl: '%%preferencesUrl%%', unsubscribeUrl: '%%unsubscribeUrl%%' } as const;

const COPY = {
  es: { subject: 'Resumen de {month}: {plan}', progress: 'Avance del plan', noEvidence: 'sin evidencia', completed: 'Hitos cumplidos', overdue: 'Hitos vencidos', replanned: 'Reprogramaciones', escalations: 'Escalamientos al MRI', decisions: 'Decisiones de la Mesa de Diálogo', next: 'Próxima reunión', preferences: 'Preferencias', unsubscribe: 'Darse de baja', quiet: 'Un mes sin novedades.' },
  en: { subject: '{month} digest: {plan}', progress: 'Plan progress', noEvidence: 'no evidence', completed: 'Milestones completed', overdue: 'Milestones overdue', replanned: 'Replanned', escalations: 'Escalations to the IMB', decisions: 'Dialogue Board decisions', next: 'Next check-in', preferences: 'Preferences', unsubscribe: 'Unsubscribe', quiet: 'A quiet month.' },
} as const;

/**
 * A plain rendering of a digest (text and minimal HTML) used until the catalog-based template
 * (libs/mail/src/templates/digest.ts) lands; the links are DIGEST_LINK_MARKERS.
 */
export function renderPlainDigest(language: string, content: DigestContent): { subject: string; text: string; html: string } {
  const copy = language === 'es' ? COPY.es : COPY.en;
  const pct = (p: number | null) => (p === null ? copy.noEvidence : `${Math.round(p * 100)} %`);
  const subject = copy.subject.replace('{month}', content.month).replace('{plan}', content.planTitle);
  const lines: string[] = [content.planTitle, content.jurisdictionName, '', `${copy.progress}: ${pct(content.plan.progress)}`];
  for (const c of content.commitments) {
    lines.push('', `* ${c.title}: ${pct(c.progress)}`);
    for (const m of c.completed) lines.push(`  ${copy.completed}: ${m.title} ${m.evidenceLinks.join(' ')}`.trimEnd());
    for (const m of c.overdue) lines.push(`  ${copy.overdue}: ${m.title} (${m.dueAtLocal.slice(0, 10)})`);
    for (const r of c.replanned) lines.push(`  ${copy.replanned}: ${r.milestoneTitle} ${r.previousDueDate} → ${r.newDueDate} (${r.reason})`);
    for (const e of c.escalations) lines.push(`  ${copy.escalations}: ${e.milestoneTitle}${e.recommendation ? ` — ${e.recommendation}` : ''}`);
  }
  const decisions = content.checkIns.flatMap((k) => k.decisions);
  if (decisions.length) lines.push('', `${copy.decisions}:`, ...decisions.map((d) => `- ${d}`));
  if (content.nextCheckIn) lines.push('', `${copy.next}: ${content.nextCheckIn.startsAtLocal.slice(0, 16).replace('T', ' ')}`);
  if (content.quiet) lines.push('', copy.quiet);
  lines.push('', `${copy.preferences}: ${DIGEST_LINK_MARKERS.preferencesUrl}`, `${copy.unsubscribe}: ${DIGEST_LINK_MARKERS.unsubscribeUrl}`);
  const text = lines.join('\n');
  const html = `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;max-width:600px;margin:auto">
<pre style="white-space:pre-wrap;font-family:inherit">${escapeHtml(lines.slice(0, -2).join('\n'))}</pre>
<p><a href="${DIGEST_LINK_MARKERS.preferencesUrl}">${copy.preferences}</a> · <a href="${DIGEST_LINK_MARKERS.unsubscribeUrl}">${copy.unsubscribe}</a></p></body></html>`;
  return { subject, text, html };
}
