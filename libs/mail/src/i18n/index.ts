import i18next, { type i18n } from 'i18next';
import { type Language, SUPPORTED_LANGUAGES } from '@app/domain';
import { en, type MessageCatalog } from './en';
import { es } from './es';

/** One message catalog per language: every text a person reads comes from here. */
export const MESSAGE_CATALOGS: Readonly<Record<Language, MessageCatalog>> = { es, en };

/** A key of the catalogs, dotted: `checkIn.subject.invitation`. */
export type MessageKey = DottedKeys<MessageCatalog>;
type DottedKeys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : DottedKeys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

let instance: i18n | undefined;

/** The i18next instance over the catalogs, created once, synchronously (the resources are in memory). */
function translator(): i18n {
  if (!instance) {
    const created = i18next.createInstance({
      resources: Object.fromEntries(SUPPORTED_LANGUAGES.map((language) => [language, { translation: MESSAGE_CATALOGS[language] }])),
      lng: 'en',
      fallbackLng: 'en',
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

/** The text of `key` in `language`, with `values` interpolated (`{{name}}`). Throws for a key missing from the catalog. */
export function t(language: Language, key: MessageKey, values: Record<string, string | number> = {}): string {
  const i18n = translator();
  if (!i18n.exists(key, { lng: language, fallbackLng: false })) throw new Error(`No text for ${key} in ${language}`);
  return i18n.t(key, { lng: language, ...values });
}
