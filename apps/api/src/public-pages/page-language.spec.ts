import { inLanguage, isLanguage, pageLanguage } from './page-language';

describe('pageLanguage', () => {
  it('takes ?lang first, then the browser, then the jurisdiction, then Spanish', () => {
    expect(pageLanguage('fr', 'en', 'es')).toBe('fr');
    expect(pageLanguage(' PT ', null, 'es')).toBe('pt');
    expect(pageLanguage(undefined, 'en', 'es')).toBe('en');
    expect(pageLanguage('de', 'en', 'es')).toBe('en');
    expect(pageLanguage(['en', 'fr'], null, 'pt')).toBe('pt');
    expect(pageLanguage(undefined, null, 'en')).toBe('en');
    expect(pageLanguage(undefined, null, 'xx')).toBe('es');
    expect(pageLanguage(undefined, null, null)).toBe('es');
  });

  it('knows its four languages and writes links that keep the choice', () => {
    expect(['es', 'en', 'fr', 'pt'].every(isLanguage)).toBe(true);
    expect(isLanguage('de')).toBe(false);
    expect(isLanguage(undefined)).toBe(false);
    expect(inLanguage('/p/rosario/plans/x', 'en')).toBe('/p/rosario/plans/x?lang=en');
  });
});
