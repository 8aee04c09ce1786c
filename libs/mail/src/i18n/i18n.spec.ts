import { SUPPORTED_LANGUAGES } from '@app/domain';
import { en } from './en';
import { MESSAGE_CATALOGS, type MessageKey, t } from './index';

function keys(catalog: object, prefix = ''): string[] {
  return Object.entries(catalog).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`)));
}

describe('message catalogs', () => {
  it('has a catalog for every supported language, each with the same keys and no empty text', () => {
    const english = keys(en).sort();
    for (const language of SUPPORTED_LANGUAGES) {
      const catalog = MESSAGE_CATALOGS[language];
      expect(keys(catalog).sort()).toEqual(english);
      for (const key of english) expect(t(language, key as MessageKey).trim()).not.toBe('');
    }
  });

  it('uses the same placeholders in every language', () => {
    const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
    for (const key of keys(en)) {
      const [first, ...others] = SUPPORTED_LANGUAGES.map((language) => placeholders(key.split('.').reduce<any>((node, part) => node[part], MESSAGE_CATALOGS[language])));
      for (const other of others) expect({ key, placeholders: other }).toEqual({ key, placeholders: first });
    }
  });

  it('interpolates values unescaped (the templates escape HTML themselves)', () => {
    expect(t('en', 'checkIn.greeting', { name: 'Ana & <Co>' })).toBe('Dear Ana & <Co>,');
    expect(t('es', 'checkIn.durationValue', { count: 90 })).toBe('90 minutos');
  });

  it('refuses a key missing from the catalog', () => {
    expect(() => t('es', 'checkIn.nope' as MessageKey)).toThrow('checkIn.nope');
  });
});
