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
      // i18next's own formatter cache is keyed by every option of the call (values included): ours below keep a formatter per locale and zone.
      cacheInBuiltFormats: false,
      // The templates escape HTML where they write HTML; plain-text bodies and subjects must stay unescaped.
      interpolation: { escapeValue: false },
    });
    created.init();
    const formatter = created.services.formatter!;
    const zoneOf = (options: Record<string, unknown>) => {
      if (typeof options.timeZone !== 'string') throw new Error('A date in a message needs the timeZone it is written in');
      return options.timeZone;
    };
    const asDate = (value: unknown) => (value instanceof Date ? value : new Date(value as string));
    formatter.add('number', (value, lng) => formatNumber(Number(value), lng as Language));
    formatter.add('percent', (value, lng) => formatPercent(Number(value), lng as Language));
    formatter.add('date', (value, lng, options) => formatDate(asDate(value), lng as Language, zoneOf(options)));
    formatter.add('datetime', (value, lng, options) => formatDateTime(asDate(value), lng as Language, zoneOf(options)));
    formatter.add('month', (value, lng, options) => formatMonth(asDate(value), lng as Language, zoneOf(options)));
    instance = created;
  }
  return instance;
}

/**
 * The text of `key` in `language`, with `values` interpolated (`{{name}}`), the plural form chosen by
 * `values.count`, numbers and dates written as the language writes them (dates in `values.timeZone`).
 * Throws for a key (or the plural form `count` needs) missing from the language's catalog.
 */
export function t(language: Language, key: MessageKey, values: MessageValues = {}): string {
  const i18n = translator();
  if (!i18n.exists(key, { lng: language, ...values })) throw new Error(`No text for ${key}${values.count !== undefined ? ` (count ${values.count})` : ''} in ${language}`);
  if (values.timeZone === undefined && Object.values(values).some((value) => value instanceof Date)) throw new Error(`${key}: a date needs the timeZone it is written in`);
  return i18n.t(key, { lng: language, ...values });
}

/** `t` bound to one language and zone, as a template uses it. */
export function translatorFor(language: Language, timeZone: string): (key: MessageKey, values?: MessageValues) => string {
  return (key, values = {}) => t(language, key, { timeZone, ...values });
}
