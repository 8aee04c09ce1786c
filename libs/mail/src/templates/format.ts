/**
 * Dates and numbers as each language writes them (Intl, through the catalogs' i18next formatters:
 * `{{date, date}}`, `{{date, datetime}}`, `{{count, number}}`), and HTML escaping. Kept here for the
 * templates that import them from './format'.
 */
export { formatDate, formatDateTime, formatMonth, formatNumber, formatPercent } from '../i18n/locale-format';
export { escapeHtml } from './layout';
