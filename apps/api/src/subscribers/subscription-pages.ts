import { SUPPORTED_LANGUAGES, type Language } from '@app/domain';
import { t, type MessageKey } from '@app/mail';
import { createPageEnvironment, LAYOUT_DEFAULTS } from '../public-pages/page-layout';

/**
 * The subscriber's pages (confirmation, preferences, unsubscribe): small server-rendered HTML that
 * works without JavaScript, in the subscriber's language, every text from the message catalogs.
 * They extend the public pages' layout and stylesheet (../public-pages/page-layout.ts), so every public
 * page looks the same; `noindex`, no language switch (the subscriber's language is the page's).
 */
const TEMPLATES: Record<string, string> = {
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
{% for option in languageOptions %}
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

const environment = createPageEnvironment(TEMPLATES);

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
  const common = { ...LAYOUT_DEFAULTS, noindex: true, lang: language, t: say };
  switch (page.kind) {
    case 'message':
      return environment.render('message.njk', { ...common, title: say(page.titleKey, page.values), body: say(page.bodyKey, page.values) });
    case 'manage':
      return environment.render('manage.njk', {
        ...common,
        ...page,
        title: say('subscriptionPage.manage.title'),
        siteName: page.jurisdictionName,
        languageOptions: SUPPORTED_LANGUAGES.map((code) => ({ code, name: t(code, 'subscriptionPage.languageName'), checked: code === language })),
      });
    case 'unsubscribe':
      return environment.render('unsubscribe.njk', { ...common, ...page, title: say('subscriptionPage.unsubscribe.title') });
  }
}

/** Headers every page carries: no script, no framing, and the token in the URL never leaves as a Referer. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};
