import type { Request } from 'express';
import { SUPPORTED_LANGUAGES, type Language } from '@app/domain';

/** Whether `value` is one of the languages pages are written in. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language of a page: `?lang=xx` when it names one of ours (the switch's links carry it), else
 * the best of ours in the browser's Accept-Language (`fromHeader`, null when the header names none
 * of them or is absent), else the jurisdiction's default, else Spanish.
 */
export function pageLanguage(query: unknown, fromHeader: Language | null, jurisdictionDefault: string | null | undefined): Language {
  const asked = typeof query === 'string' ? query.trim().toLowerCase() : undefined;
  if (isLanguage(asked)) return asked;
  if (fromHeader) return fromHeader;
  const fallback = jurisdictionDefault?.trim().toLowerCase();
  return isLanguage(fallback) ? fallback : 'es';
}

/** `path` in `language`: the address every link of a page in that language uses, so the choice is kept while browsing. */
export function inLanguage(path: string, language: Language): string {
  return `${path}?lang=${language}`;
}

/** How the request asks for a language: `?lang=` and Accept-Language. */
export function languageChoice(req: Request): { query: unknown; fromHeader: Language | null } {
  return { query: req.query.lang, fromHeader: fromHeader(req) };
}

/** The best of our languages in Accept-Language; null without the header or when it names none of ours. */
export function fromHeader(req: Request): Language | null {
  if (!req.headers['accept-language']) return null;
  return (req.acceptsLanguages([...SUPPORTED_LANGUAGES]) || null) as Language | null;
}

