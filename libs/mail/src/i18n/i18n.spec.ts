import { type Language, SUPPORTED_LANGUAGES } from '@app/domain';
import { en } from './en';
import { fr } from './fr';
import { LOCALES, MESSAGE_CATALOGS, type MessageKey, PLURAL_SUFFIXES, t } from './index';

/** Every text of a catalog as [dotted key, text]. */
function entries(catalog: object, prefix = ''): [string, string][] {
  return Object.entries(catalog).flatMap(([key, value]) => (typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : entries(value as object, `${prefix}${key}.`)));
}

const PLURAL = new RegExp(`_(${PLURAL_SUFFIXES.join('|')})$`);

/** Keys with plural forms folded: `checkIn.durationValue_one` and `_other` are one text, `checkIn.durationValue`. */
function texts(catalog: object): Map<string, Map<string, string>> {
  const byText = new Map<string, Map<string, string>>();
  for (const [key, value] of entries(catalog)) {
    const match = PLURAL.exec(key);
    const base = match ? key.slice(0, match.index) : key;
    const forms = byText.get(base) ?? new Map<string, string>();
    forms.set(match ? match[1] : '', value);
    byText.set(base, forms);
  }
  return byText;
}

/** `{{name}}` and `{{name, format}}`, as "name" and "name, format". */
const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*(?:,\s*([^}]+?)\s*)?}}/g)].map((m) => (m[2] ? `${m[1]}, ${m[2]}` : m[1])).sort();

/** The differences between a catalog and the English one: missing or extra texts, plural forms the language does not use or lacks, other placeholders. */
function problems(language: Language, catalog: object): string[] {
  const english = texts(en);
  const own = texts(catalog);
  const categories = new Intl.PluralRules(LOCALES[language]).resolvedOptions().pluralCategories.slice().sort();
  const found: string[] = [];
  for (const [key, forms] of english) {
    const translated = own.get(key);
    if (!translated) {
      found.push(`${language}: ${key} is missing`);
      continue;
    }
    const plural = !forms.has('');
    const expectedForms = plural ? categories : [''];
    const actualForms = [...translated.keys()].sort();
    if (JSON.stringify(actualForms) !== JSON.stringify(expectedForms)) found.push(`${language}: ${key} has forms [${actualForms}], needs [${expectedForms}]`);
    const expected = JSON.stringify(placeholders([...forms.values()][0]));
    for (const [form, text] of translated) {
      if (!text.trim()) found.push(`${language}: ${key}${form && `_${form}`} is empty`);
      if (JSON.stringify(placeholders(text)) !== expected) found.push(`${language}: ${key}${form && `_${form}`} has placeholders ${JSON.stringify(placeholders(text))}, English ${expected}`);
    }
  }
  for (const key of own.keys()) if (!english.has(key)) found.push(`${language}: ${key} is not in the English catalog`);
  return found;
}

describe('message catalogs', () => {
  it('supports Spanish, English, French and Portuguese', () => {
    expect([...SUPPORTED_LANGUAGES].sort()).toEqual(['en', 'es', 'fr', 'pt']);
    expect(Object.keys(MESSAGE_CATALOGS).sort()).toEqual(['en', 'es', 'fr', 'pt']);
  });

  it.each(SUPPORTED_LANGUAGES.map((language) => [language]))('%s has every text, in the plural forms its language uses, with the English placeholders', (language) => {
    expect(problems(language, MESSAGE_CATALOGS[language])).toEqual([]);
  });

  it('English uses exactly the one/other plural forms, so every plural text is written in its catalog', () => {
    expect(new Intl.PluralRules(LOCALES.en).resolvedOptions().pluralCategories.slice().sort()).toEqual(['one', 'other']);
  });

  it('fails a catalog that misses a text, a plural form or a placeholder', () => {
    const { digest, ...withoutDigest } = fr;
    expect(problems('fr', withoutDigest)).toEqual(expect.arrayContaining(['fr: digest.subject is missing']));
    const { durationValue_many, ...checkInWithoutMany } = fr.checkIn as typeof fr.checkIn & { durationValue_many: string };
    expect(durationValue_many).toBeTruthy();
    expect(problems('fr', { ...fr, checkIn: checkInWithoutMany })).toEqual(['fr: checkIn.durationValue has forms [one,other], needs [many,one,other]']);
    expect(problems('fr', { ...fr, evidenceRequest: { ...fr.evidenceRequest, subjectRequest: 'Demande de preuves' } })).toEqual([
      'fr: evidenceRequest.subjectRequest has placeholders [], English ["milestone"]',
    ]);
    expect(problems('fr', { ...fr, digest: { ...fr.digest, overdueItem: '{{title}} ({{date}})' } })).toEqual(['fr: digest.overdueItem has placeholders ["date","title"], English ["date, date","title"]']);
    expect(digest).toBeDefined();
  });

  it('interpolates values unescaped (the templates escape HTML themselves)', () => {
    expect(t('en', 'checkIn.greeting', { name: 'Ana & <Co>' })).toBe('Dear Ana & <Co>,');
  });

  it('chooses plural forms by count, with numbers as each language writes them', () => {
    expect(t('en', 'checkIn.durationValue', { count: 1 })).toBe('1 minute');
    expect(t('en', 'checkIn.durationValue', { count: 1500 })).toBe('1,500 minutes');
    expect(t('es', 'checkIn.durationValue', { count: 90 })).toBe('90 minutos');
    expect(t('es', 'checkIn.durationValue', { count: 1 })).toBe('1 minuto');
    expect(t('es', 'checkIn.durationValue', { count: 1_000_000 })).toBe('1.000.000 de minutos');
    expect(t('fr', 'checkIn.durationValue', { count: 0 })).toBe('0 minute');
    expect(t('fr', 'checkIn.durationValue', { count: 2 })).toBe('2 minutes');
    expect(t('fr', 'checkIn.durationValue', { count: 1500 })).toBe('1\u202f500 minutes');
    expect(t('pt', 'checkIn.durationValue', { count: 1 })).toBe('1 minuto');
    expect(t('pt', 'checkIn.durationValue', { count: 45 })).toBe('45 minutos');
    expect(t('fr', 'digest.milestonesWithoutEvidence', { count: 1, total: 4 })).toBe("1 jalon sur 4 n'a pas encore de preuve.");
    expect(t('pt', 'digest.progressValue', { level: 'Substancial', share: 0.62 })).toBe('Substancial: 62%');
    expect(t('fr', 'digest.progressValue', { level: 'Substantiel', share: 0.62 })).toBe('Substantiel : 62\u00a0%');
  });

  it('writes dates per language in the zone given, and refuses a date without a zone', () => {
    const date = new Date('2027-03-02T21:00:00Z');
    const timeZone = 'America/Argentina/Cordoba';
    expect(t('en', 'checkIn.subject.invitation', { date, planTitle: 'P', timeZone })).toBe('Dialogue Board check-in, 2 March 2027: P');
    expect(t('es', 'checkIn.subject.invitation', { date, planTitle: 'P', timeZone })).toBe('Mesa de Diálogo, reunión de seguimiento del 2 de marzo de 2027: P');
    expect(t('fr', 'checkIn.subject.invitation', { date, planTitle: 'P', timeZone })).toBe('Table de dialogue, réunion de suivi du 2 mars 2027 : P');
    expect(t('pt', 'checkIn.subject.invitation', { date, planTitle: 'P', timeZone })).toBe('Mesa de Diálogo, reunião de acompanhamento de 2 de março de 2027: P');
    expect(t('fr', 'evidenceRequest.expires', { date, timeZone: 'Europe/Paris' })).toBe('Le lien expire le 2 mars 2027 à 22:00 UTC+1.');
    expect(t('en', 'digest.title', { month: date, timeZone })).toBe('Monthly summary, March 2027');
    expect(() => t('en', 'checkIn.subject.invitation', { date, planTitle: 'P' })).toThrow('timeZone');
  });

  it('refuses a key missing from the catalog, and a plural text asked for without count', () => {
    expect(() => t('es', 'checkIn.nope' as MessageKey)).toThrow('checkIn.nope');
    expect(() => t('pt', 'checkIn.durationValue')).toThrow('checkIn.durationValue');
  });
});
