import nunjucks from 'nunjucks';
import { SUPPORTED_LANGUAGES, type Language } from '@app/domain';
import { t, type MessageKey } from '@app/mail';

/**
 * The subscriber's pages (confirmation, preferences, unsubscribe): small server-rendered HTML that
 * works without JavaScript, in the subscriber's language, every text from the message catalogs.
 * Nunjucks escapes every value (autoescape); the templates live here so the build needs no copy step.
 */
const TEMPLATES: Record<string, string> = {
  'layout.njk': `<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
fieldset { border: 1px solid #ccc; margin: 1rem 0; }
label { display: block; margin: .25rem 0; }
button { font-size: 1rem; padding: .5rem 1.25rem; }
.notice { background: #eef6ee; padding: .5rem 1rem; }
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
{% block content %}{% endblock %}
</main>
</body>
</html>
`,
  'message.njk': `{% extends "layout.njk" %}
{% block content %}<p>{{ body }}</p>{% endblock %}
`,
  'manage.njk': `{% extends "layout.njk" %}
{% block content %}
<p>{{ t('subscriptionPage.manage.intro', { planTitle: planTitle, jurisdictionName: jurisdictionName }) }}</p>
{% if saved %}<p class="notice" role="status">{{ t('subscriptionPage.manage.saved') }}</p>{% endif %}
{% if not active %}<p class="notice">{{ t('subscriptionPage.manage.notActive') }}</p>{% endif %}
<form method="post">
<fieldset>
<legend>{{ t('subscriptionPage.manage.topics') }}</legend>
<p>{{ t('subscriptionPage.manage.wholePlan') }}</p>
<p>{{ t('subscriptionPage.manage.topicsHint') }}</p>
{% for commitment in commitments %}
<label><input type="checkbox" name="commitmentIds" value="{{ commitment.id }}"{% if commitment.checked %} checked{% endif %}> {{ commitment.title }}</label>
{% endfor %}
</fieldset>
<fieldset>
<legend>{{ t('subscriptionPage.manage.language') }}</legend>
{% for option in languages %}
<label><input type="radio" name="language" value="{{ option.code }}"{% if option.checked %} checked{% endif %}> {{ option.name }}</label>
{% endfor %}
</fieldset>
<button type="submit">{{ t('subscriptionPage.manage.save') }}</button>
</form>
<p><a href="{{ unsubscribeUrl }}">{{ t('subscriptionPage.manage.unsubscribeLink') }}</a></p>
{% endblock %}
`,
  'unsubscribe.njk': `{% extends "layout.njk" %}
{% block content %}
<p>{{ t('subscriptionPage.unsubscribe.ask', { planTitle: planTitle }) }}</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">{{ t('subscriptionPage.unsubscribe.button') }}</button>
</form>
{% endblock %}
`,
};

class MemoryLoader implements nunjucks.ILoader {
  getSource(name: string): nunjucks.LoaderSource {
    const src = TEMPLATES[name];
    if (src === undefined) throw new Error(`No page template ${name}`);
    return { src, path: name, noCache: false };
  }
}

const environment = new nunjucks.Environment(new MemoryLoader(), { autoescape: true, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true });

export interface PageCommitment {
  id: string;
  title: string;
  checked: boolean;
}

export type Page =
  | { kind: 'message'; titleKey: MessageKey; bodyKey: MessageKey; values?: Record<string, string> }
  | { kind: 'manage'; planTitle: string; jurisdictionName: string; commitments: PageCommitment[]; saved: boolean; active: boolean; unsubscribeUrl: string }
  | { kind: 'unsubscribe'; planTitle: string };

/** One page in `language`, as a complete HTML document. */
export function renderPage(language: Language, page: Page): string {
  const say = (key: MessageKey, values: Record<string, string> = {}) => t(language, key, values);
  const common = { lang: language, t: say };
  switch (page.kind) {
    case 'message':
      return environment.render('message.njk', { ...common, title: say(page.titleKey, page.values), body: say(page.bodyKey, page.values) });
    case 'manage':
      return environment.render('manage.njk', {
        ...common,
        ...page,
        title: say('subscriptionPage.manage.title'),
        languages: SUPPORTED_LANGUAGES.map((code) => ({ code, name: t(code, 'subscriptionPage.languageName'), checked: code === language })),
      });
    case 'unsubscribe':
      return environment.render('unsubscribe.njk', { ...common, ...page, title: say('subscriptionPage.unsubscribe.title') });
  }
}

/** Headers every page carries: no script, no framing, and the token in the URL never leaves as a Referer. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};
