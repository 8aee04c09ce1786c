import i18next, { type i18n } from 'i18next';
import { type Language, SUPPORTED_LANGUAGES } from '@app/domain';
import { en, type MessageCatalog } from './en';
import { es } from './es';
import { fr } from './fr';
import { pt } from './pt';
import { formatDate, formatDateTime, formatMonth, formatNumber, formatPercent } from './locale-format';

export { LOCALES, formatDate, formatDateTime, formatMonth, formatNumber, formatPercent } from './locale-format';

/** One message catalog per language: every text a person reads comes from here. */
export const MESSAGE_CATALOGS: Readonly<Record<Language, MessageCatalog>> = { es, en, fr, pt };

/** CLDR plural categories: a plural text has one key per category its language uses (`_one`, `_other`, and `_many` in es/fr/pt). */
export const PLURAL_SUFFIXES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
type PluralSuffix = (typeof PLURAL_SUFFIXES)[number];

/** A key of the catalogs, dotted, plural forms named once: `checkIn.subject.invitation`, `checkIn.durationValue`. */
export type MessageKey = DottedKeys<MessageCatalog>;
type Singular<K extends string> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;
type DottedKeys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string | undefined ? `${Prefix}${Singular<K>}` : DottedKeys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** What a text interpolates: strings, numbers (`{{count, number}}`), dates (`{{date, date}}`, `{{date, datetime}}`, `{{date, month}}`). */
export type MessageValues = Record<string, string | number | Date> & {
  /** The IANA zone dates are written in (the jurisdiction's); required when a value is a Date. */
  timeZone?: string;
  /** Selects the plural form (`_one`, `_other`, ...) and is interpolated as `{{count, number}}`. */
  count?: number;
};

let instance: i18n | undefined;

/** The i18next instance over the catalogs, created once, synchronously (the resources are in memory). */
function translator(): i18n {
  if (!instance) {
    const created = i18next.createInstance({
      resources: Object.fromEntries(SUPPORTED_LANGUAGES.map((language) => [language, { translation: MESSAGE_CATALOGS[language] }])),
      lng: 'en',
      // Never another language's text: a missing key is an error (t() throws), not English in a Spanish email.
      fallbackLng: false,
      supportedLngs: [...SUPPORTED_LANGUAGES],
      initAsync: false,
      returnNull: false,
      // The templates escape HTML where they write HTML; plain-text bodies and subjects must stay unescaped.
      interpolation: { escapeValue: false },
    });
    created.init();
    instance = created;
  }
  return instance;
}

/** A catalog text split at its placeholders: literal text, and `{{name}}` or `{{name, format}}`. */
type Part = string | { name: string; format: string | undefined };
const PLACEHOLDER = /{{\s*(\w+)\s*(?:,\s*([^}]+?)\s*)?}}/g;

/** Each text as the catalog holds it, by language, key and plural form, looked up and split once. */
const texts = new Map<string, Part[]>();

function split(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ name: match[1], format: match[2] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** The catalog text `key`, in the plural form i18next's plural resolver picks for `count` in `language`. */
function textOf(language: Language, key: string, count: number | undefined): Part[] {
  const i18n = translator();
  const suffix = count === undefined ? '' : i18n.services.pluralResolver.getSuffix(language, count);
  const cacheKey = `${language}\u0000${key}${suffix}`;
  let parts = texts.get(cacheKey);
  if (parts === undefined) {
    // A text that is not plural also answers when a count is given (`({{count, number}} min)`).
    const found = (suffix ? i18n.getResource(language, 'translation', key + suffix) : undefined) ?? i18n.getResource(language, 'translation', key);
    if (typeof found !== 'string') throw new Error(`No text for ${key}${count !== undefined ? ` (count ${count})` : ''} in ${language}`);
    parts = split(found);
    texts.set(cacheKey, parts);
  }
  return parts;
}

/** A value as `format` writes it in `language`: numbers and dates by the locale's Intl formatters. */
function formatted(key: string, language: Language, name: string, format: string | undefined, values: MessageValues): string {
  const value = values[name];
  if (value === undefined) throw new Error(`${key} in ${language}: no value for {{${name}}}`);
  if (format === undefined) {
    if (value instanceof Date) throw new Error(`${key}: {{${name}}} is a date: the catalog must say how to write it ({{${name}, date}})`);
    return String(value);
  }
  switch (format) {
    case 'number':
      return formatNumber(Number(value), language);
    case 'percent':
      return formatPercent(Number(value), language);
    case 'date':
    case 'datetime':
    case 'month': {
      if (value === '') return ''; // a date the data does not have
      if (values.timeZone === undefined) throw new Error(`${key}: a date needs the timeZone it is written in`);
      const date = value instanceof Date ? value : new Date(value);
      return format === 'date' ? formatDate(date, language, values.timeZone) : format === 'datetime' ? formatDateTime(date, language, values.timeZone) : formatMonth(date, language, values.timeZone);
    }
    default:
      throw new Error(`${key} in ${language}: unknown format ${format} for {{${name}}}`);
  }
}

/**
 * The text of `key` in `language`, with `values` interpolated (`{{name}}`, unescaped), the plural
 * form chosen by `values.count` (i18next's CLDR plural resolver over the `_one`/`_other`/`_many`
 * keys), numbers and dates written as the language writes them (`{{count, number}}`,
 * `{{share, percent}}`, `{{date, date}}`, `{{date, datetime}}`, `{{date, month}}`; dates in
 * `values.timeZone`). Throws for a key or plural form missing from the language's catalog (never
 * another language's text) and for a placeholder given no value. Each text is looked up and split
 * once: a digest asks for dozens per email, hundreds of emails a second.
 */
export function t(language: Language, key: MessageKey, values: MessageValues = {}): string {
  const parts = textOf(language, key, values.count);
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : formatted(key, language, part.name, part.format, values);
  return out;
}

/** `t` bound to one language and zone, as a template uses it. */
export function translatorFor(language: Language, timeZone: string): (key: MessageKey, values?: MessageValues) => string {
  return (key, values = {}) => t(language, key, { timeZone, ...values });
}
