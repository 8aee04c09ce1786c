import mjml2html from 'mjml';
import type { Language } from '@app/domain';

/**
 * Every email's layout, in MJML (responsive HTML that common clients render, tables for Outlook,
 * a single column on phones), compiled once per shape and kept.
 *
 * An email is a list of blocks. The MJML source of a layout holds only the blocks' kinds and slot
 * markers, never a value: it is compiled once (strict validation: an MJML error throws) into HTML that
 * is split at the markers. Rendering an email then fills the slots with escaped values — string
 * joins, no MJML at send time (a digest goes to hundreds of subscribers a second). The plain-text
 * part is written from the same blocks.
 *
 * No images: the header is text on a coloured band and progress bars are table cells, so the email
 * reads the same with images blocked (an `image` block, were one added, must carry alt text).
 */

/** HTML built by `html` below: its parts were escaped, so it is not escaped again. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

/** A tagged template that escapes every value except `SafeHtml` (arrays are joined, null/false are nothing). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += htmlOf(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

function htmlOf(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(htmlOf).join('');
  return escapeHtml(String(value));
}

/** A link: its URL also as text in the plain-text part. */
export interface Link {
  text: string;
  href: string;
}

/** A line of a list: text, optionally a link, optionally lines under it. */
export type ListItem = string | { text: string; href?: string; children?: ListItem[]; /** Plain-text part only: how the children are marked. */ childMarker?: string };

export type Block =
  /** A paragraph; `lines` are kept apart by line breaks. */
  | { kind: 'text'; text: string | string[]; emphasis?: 'muted' | 'strong' }
  | { kind: 'heading'; text: string }
  /** Label-value pairs, a table on wide screens. */
  | { kind: 'facts'; rows: [label: string, value: string | Link][] }
  | { kind: 'list'; items: ListItem[]; ordered?: boolean }
  /** Someone else's words (a committee's comments). */
  | { kind: 'quote'; text: string }
  /** A lead line, then the URL (a link in HTML, the URL on its own line in text). */
  | { kind: 'link'; lead: string; href: string; text?: string }
  /** A lead line, then links on one line in HTML, one per line (`text: url`) in text. */
  | { kind: 'links'; lead: string; links: Link[] }
  /** A call to action: a bulletproof button in HTML (no image), the URL in text. */
  | { kind: 'button'; text: string; href: string }
  /** A progress bar with its text equivalent (the text is what screen readers and the text part say). */
  | { kind: 'progress'; label: string; share: number | null; valueText: string; note?: string }
  | { kind: 'divider' };

export interface EmailLayout {
  language: Language;
  /** The subject: the HTML's <title>. */
  subject: string;
  /** The line clients show after the subject. */
  preview?: string;
  /** On the coloured band: who writes (the jurisdiction or office). */
  header: string;
  blocks: Block[];
  /** The closing lines (thanks, the office's name). */
  signature: string[];
  /** Small print under the message: why one gets it, links to preferences or to unsubscribe. */
  footer?: Block[];
}

const COLOURS = { band: '#0b5394', text: '#1f2933', muted: '#57606a', border: '#d0d7de', page: '#f3f4f6', barDone: '#1a7f37', barRest: '#e5e7eb' };

/** The marker of slot `n` in a layout's MJML; compiled HTML is split at these. */
const slot = (n: number) => `@@S${n}@@`;
const SLOT = /@@S(\d+)@@/;

interface Compiled {
  /** Literal HTML and slot numbers, alternating: literal, slot, literal, ... */
  parts: (string | number)[];
}

const compiled = new Map<string, Compiled>();

/** How many layouts have been compiled (each shape once). */
export function compiledLayoutCount(): number {
  return compiled.size;
}

function compile(source: string): Compiled {
  let found = compiled.get(source);
  if (!found) {
    // Strict: an invalid layout throws here, at its first use, with MJML's message.
    const result = mjml2html(source, { validationLevel: 'strict', keepComments: false, fonts: {}, minify: false, beautify: false });
    if (result.errors.length) throw new Error(`MJML: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
    const pieces = result.html.split(SLOT);
    found = { parts: pieces.map((piece, i) => (i % 2 === 1 ? Number(piece) : piece)) };
    compiled.set(source, found);
  }
  return found;
}

/** Blocks' MJML, their slots' HTML and their plain text. */
class Builder {
  readonly mjml: string[] = [];
  readonly slots: string[] = [];
  /** Attributes of every mj-text instead of the block's own (the footer's small print). */
  small = '';

  fill(value: SafeHtml): string {
    this.slots.push(value.value);
    return slot(this.slots.length - 1);
  }

  text(content: SafeHtml, attributes = ''): void {
    this.mjml.push(`<mj-text${this.small || attributes}>${this.fill(content)}</mj-text>`);
  }
}

const linkHtml = (link: Link) => html`<a href="${link.href}" style="color:${COLOURS.band};text-decoration:underline;word-break:break-all">${link.text}</a>`;

function listHtml(items: ListItem[], ordered: boolean, depth = 0): SafeHtml {
  const tag = ordered && depth === 0 ? 'ol' : 'ul';
  const entries = items.map((item) => {
    if (typeof item === 'string') return html`<li style="margin:0 0 4px">${item}</li>`;
    const label = item.href ? linkHtml({ text: item.text, href: item.href }) : item.text;
    const children = item.children?.length ? listHtml(item.children, false, depth + 1) : '';
    return html`<li style="margin:0 0 4px">${label}${children}</li>`;
  });
  return new SafeHtml(`<${tag} style="margin:4px 0 4px;padding-left:22px">${htmlOf(entries)}</${tag}>`);
}

function listText(items: ListItem[], ordered: boolean, depth = 0, marker?: string): string[] {
  return items.flatMap((item, i) => {
    const indent = '    '.repeat(depth);
    const bullet = depth === 0 ? (ordered ? `${i + 1}.` : '-') : (marker ?? '·');
    if (typeof item === 'string') return [`${indent}${bullet} ${item}`];
    const line = item.href && item.href !== item.text ? `${item.text}: ${item.href}` : item.text;
    return [`${indent}${bullet} ${line}`, ...listText(item.children ?? [], false, depth + 1, item.childMarker)];
  });
}

function progressBarHtml(share: number): SafeHtml {
  const percent = Math.round(Math.max(0, Math.min(1, share)) * 100);
  // Two cells of a fixed-layout table: no image, drawn in every client; hidden from screen readers (the text says it).
  const done = percent > 0 ? html`<td width="${percent}%" style="width:${percent}%;background:${COLOURS.barDone};height:10px;line-height:10px;font-size:1px">&nbsp;</td>` : '';
  const rest = percent < 100 ? html`<td style="background:${COLOURS.barRest};height:10px;line-height:10px;font-size:1px">&nbsp;</td>` : '';
  return html`<table role="presentation" aria-hidden="true" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;table-layout:fixed;margin:4px 0"><tr>${done}${rest}</tr></table>`;
}

function addBlock(b: Builder, block: Block, text: string[]): void {
  switch (block.kind) {
    case 'text': {
      const lines = Array.isArray(block.text) ? block.text : [block.text];
      const joined = lines.map((line, i) => html`${i ? new SafeHtml('<br>') : ''}${line}`);
      b.text(block.emphasis === 'strong' ? html`<strong>${joined}</strong>` : html`${joined}`, block.emphasis === 'muted' ? ` color="${COLOURS.muted}"` : '');
      text.push(lines.join('\n'));
      return;
    }
    case 'heading':
      b.text(html`${block.text}`, ' font-size="18px" font-weight="bold" padding-top="16px"');
      text.push(`${block.text}\n${'-'.repeat(Math.min(block.text.length, 60))}`);
      return;
    case 'facts': {
      const rows = block.rows.map(([label, value]) => html`<tr><th scope="row" align="left" valign="top" style="padding:2px 12px 2px 0;font-weight:bold;white-space:nowrap">${label}</th><td valign="top" style="padding:2px 0">${typeof value === 'string' ? value : linkHtml(value)}</td></tr>`);
      b.mjml.push(`<mj-table role="presentation">${b.fill(html`${rows}`)}</mj-table>`);
      text.push(block.rows.map(([label, value]) => `${label}: ${typeof value === 'string' ? value : value.href}`).join('\n'));
      return;
    }
    case 'list':
      b.text(listHtml(block.items, !!block.ordered));
      text.push(listText(block.items, !!block.ordered).join('\n'));
      return;
    case 'quote':
      b.text(html`<blockquote style="margin:0;padding:8px 12px;border-left:4px solid ${COLOURS.border};color:${COLOURS.text}">${block.text}</blockquote>`);
      text.push(block.text);
      return;
    case 'link':
      b.text(html`${block.lead}<br>${linkHtml({ text: block.text ?? block.href, href: block.href })}`);
      text.push(`${block.lead}\n${block.href}`);
      return;
    case 'links':
      b.text(html`${block.lead} ${block.links.map((link, i) => html`${i ? ' · ' : ''}${linkHtml(link)}`)}`);
      text.push([`${block.lead}:`, ...block.links.map((link) => `${link.text}: ${link.href}`)].join('\n'));
      return;
    case 'button':
      b.mjml.push(`<mj-button href="${b.fill(html`${block.href}`)}">${b.fill(html`${block.text}`)}</mj-button>`);
      text.push(`${block.text}: ${block.href}`);
      return;
    case 'progress': {
      const bar = block.share === null ? '' : progressBarHtml(block.share);
      const value = block.share === null ? html`<em>${block.valueText}</em>` : html`${block.valueText}`;
      b.text(html`<strong>${block.label}</strong><br>${bar}${value}${block.note ? html`<br><span style="color:${COLOURS.muted};font-size:13px">${block.note}</span>` : ''}`, ' padding-top="8px"');
      text.push([`${block.label}: ${block.valueText}`, ...(block.note ? [`  ${block.note}`] : [])].join('\n'));
      return;
    }
    case 'divider':
      b.mjml.push('<mj-divider />');
      text.push('—');
      return;
  }
}

/** The email's HTML (MJML layout compiled once, slots filled with escaped values) and its plain-text part. */
export function renderLayout(layout: EmailLayout): { html: string; text: string } {
  const b = new Builder();
  const text: string[] = [];
  const title = b.fill(html`${layout.subject}`);
  const preview = layout.preview ? `<mj-preview>${b.fill(html`${layout.preview}`)}</mj-preview>` : '';
  const header = b.fill(html`${layout.header}`);
  for (const block of layout.blocks) addBlock(b, block, text);
  const body = b.mjml.splice(0);
  addBlock(b, { kind: 'text', text: layout.signature }, text);
  const signature = b.mjml.splice(0);
  const footerText: string[] = [];
  b.small = ` font-size="12px" line-height="1.5" color="${COLOURS.muted}"`;
  for (const block of layout.footer ?? []) addBlock(b, block, footerText);
  const footer = b.mjml.splice(0);

  const source = [
    `<mjml lang="${layout.language}">`,
    '<mj-head>',
    `<mj-title>${title}</mj-title>`,
    preview,
    '<mj-attributes>',
    '<mj-all font-family="Helvetica, Arial, sans-serif" />',
    `<mj-text font-size="15px" line-height="1.5" color="${COLOURS.text}" padding="6px 24px" />`,
    `<mj-table font-size="15px" line-height="1.5" color="${COLOURS.text}" padding="6px 24px" />`,
    `<mj-button background-color="${COLOURS.band}" color="#ffffff" font-size="15px" font-weight="bold" border-radius="4px" inner-padding="10px 20px" padding="10px 24px" align="left" />`,
    `<mj-divider border-color="${COLOURS.border}" border-width="1px" padding="12px 24px" />`,
    '</mj-attributes>',
    '</mj-head>',
    `<mj-body background-color="${COLOURS.page}" width="600px">`,
    `<mj-section background-color="${COLOURS.band}" padding="12px 0"><mj-column><mj-text color="#ffffff" font-size="17px" font-weight="bold">${header}</mj-text></mj-column></mj-section>`,
    `<mj-section background-color="#ffffff" padding="12px 0"><mj-column>${body.join('')}${signature.join('')}</mj-column></mj-section>`,
    footer.length ? `<mj-section padding="8px 0"><mj-column>${footer.join('')}</mj-column></mj-section>` : '',
    '</mj-body>',
    '</mjml>',
  ].join('\n');

  const { parts } = compile(source);
  let out = '';
  for (const part of parts) out += typeof part === 'number' ? b.slots[part] : part;
  const textParts = [...text];
  if (footerText.length) textParts.push('--', ...footerText);
  return { html: out, text: textParts.join('\n\n') };
}
