/**
 * Every email the system sends: one render function per kind, each taking the reader's language,
 * every text from the catalogs (libs/mail/src/i18n), the HTML from the MJML layout (./layout) and a
 * plain-text part from the same blocks.
 */
export { escapeHtml, formatDate, formatDateTime } from './format';
export { renderLayout, html, SafeHtml, compiledLayoutCount } from './layout';
export type { Block, EmailLayout, Link, ListItem } from './layout';
export * from './milestone';
export * from './check-in';
export * from './digest';
export * from './subscription';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
