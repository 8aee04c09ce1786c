import type { Language } from '@app/domain';

/** The locale each language's dates and numbers are written in (Brazil's members read pt-BR). */
export const LOCALES: Readonly<Record<Language, string>> = { es: 'es-AR', en: 'en-GB', fr: 'fr-FR', pt: 'pt-BR' };

/**
 * Intl formatters, built once per (locale, style, zone) and kept: building one costs tens of
 * microseconds, using one a few. The key never holds a value, so the cache stays small (languages ×
 * styles × the jurisdictions' zones).
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormatter(language: Language, style: 'date' | 'dateTime' | 'month', timeZone: string): Intl.DateTimeFormat {
  const key = `${language}|${style}|${timeZone}`;
  let formatter = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions =
      style === 'dateTime'
        ? { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' }
        : style === 'date'
          ? { year: 'numeric', month: 'long', day: 'numeric', timeZone }
          : { year: 'numeric', month: 'long', timeZone };
    formatter = new Intl.DateTimeFormat(LOCALES[language], options); // an unknown zone throws RangeError here
    formatters.set(key, formatter);
  }
  return formatter;
}

function numberFormatter(language: Language, style: 'number' | 'percent'): Intl.NumberFormat {
  const key = `${language}|${style}`;
  let formatter = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!formatter) {
    formatter = new Intl.NumberFormat(LOCALES[language], style === 'percent' ? { style: 'percent', maximumFractionDigits: 0 } : { maximumFractionDigits: 2 });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Date and time as a reader of `language` writes them, in `timeZone` (the jurisdiction's), with the zone's short name. */
export function formatDateTime(date: Date, language: Language, timeZone: string): string {
  return dateFormatter(language, 'dateTime', timeZone).format(date);
}

/** The calendar date only, in `timeZone`. */
export function formatDate(date: Date, language: Language, timeZone: string): string {
  return dateFormatter(language, 'date', timeZone).format(date);
}

/** Month and year (`March 2027`, `marzo de 2027`), in `timeZone`. */
export function formatMonth(date: Date, language: Language, timeZone: string): string {
  return dateFormatter(language, 'month', timeZone).format(date);
}

/** A number with the language's separators (`1,234.5`, `1.234,5`, `1 234,5`). */
export function formatNumber(value: number, language: Language): string {
  return numberFormatter(language, 'number').format(value);
}

/** A share 0..1 as a whole percentage with the language's spacing (`62%`, `62 %`). */
export function formatPercent(share: number, language: Language): string {
  return numberFormatter(language, 'percent').format(share);
}
