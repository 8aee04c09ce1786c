import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';

/**
 * The one look of every public page (plans, commitments, check-ins, digests, open data, the
 * subscription form and the subscriber's pages): a shared Nunjucks layout and one stylesheet, served
 * as a file (GET /assets/public.css) because the Content-Security-Policy allows no inline style.
 * Templates are TypeScript strings so the build needs no copy step; Nunjucks escapes every value.
 *
 * Accessibility (WCAG 2.1 AA): `lang` on <html> (and on each language's name in the switch), a skip
 * link to <main>, banner/navigation/main/contentinfo landmarks, one <h1> per page and headings in
 * order, visible focus, text contrast of at least 4.5:1 (the darkest text on the lightest tint
 * is #1b1b1b on #f3f6f9; links #0b4f8a on white, 8.4:1), layouts that reflow to 320 px.
 */
export const PUBLIC_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.55;color:#1b1b1b;background:#fff}
.wrap{max-width:60rem;margin:0 auto;padding:0 1rem}
a{color:#0b4f8a;text-decoration:underline;text-underline-offset:.15em}
a:hover{color:#062c4d;text-decoration-thickness:2px}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible,main:focus-visible{outline:3px solid #b34700;outline-offset:2px}
.skip-link{position:absolute;left:.5rem;top:-10rem;z-index:10;background:#fff;color:#0b4f8a;padding:.5rem 1rem;border:2px solid #0b4f8a;font-weight:600}
.skip-link:focus{top:.5rem}
.site-header{background:#123e5e;color:#fff;padding:.75rem 0}
.site-header .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1.5rem}
.site-name{margin:0;font-size:1.15rem;font-weight:700}
.site-name a{color:#fff;text-decoration:none}
.site-name a:hover{text-decoration:underline}
.site-tagline{display:block;font-size:.85rem;font-weight:400;color:#e3edf5}
.site-header a:focus-visible{outline-color:#ffd166}
.lang-switch ul{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}
.lang-switch a{display:inline-block;color:#fff;padding:.35rem .6rem;border:1px solid transparent;border-radius:.25rem;min-height:44px;line-height:1.9}
.lang-switch a[aria-current]{border-color:#fff;font-weight:700;text-decoration:none}
.breadcrumbs ol{list-style:none;margin:.75rem auto 0;padding:0;display:flex;flex-wrap:wrap;font-size:.95rem}
.breadcrumbs li+li::before{content:"/";padding:0 .5rem;color:#555}
main{display:block;padding-bottom:2.5rem}
h1{font-size:1.9rem;line-height:1.2;margin:1.25rem 0 .75rem}
h2{font-size:1.4rem;line-height:1.25;margin:2rem 0 .6rem;padding-top:.5rem;border-top:1px solid #d0d7de}
h3{font-size:1.15rem;line-height:1.3;margin:1.25rem 0 .4rem}
h4{font-size:1rem;margin:1rem 0 .3rem}
p,ul,ol,dl,table{margin:.5rem 0 1rem}
.lead{font-size:1.1rem}
.muted{color:#4a4a4a}
.notice{background:#eef5ee;border-left:4px solid #1d6b3a;padding:.75rem 1rem}
.error-summary{border:3px solid #a4161a;padding:.75rem 1rem;margin:1rem 0}
.error-summary h2{border:0;margin:0 0 .5rem;padding:0;font-size:1.2rem;color:#a4161a}
.field-error{display:block;color:#a4161a;font-weight:600}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.25rem 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.cards{list-style:none;padding:0;margin:0;display:grid;gap:1rem}
.cards>*,.cols>*{min-width:0}
.card h2{border:0;margin-top:0;padding-top:0;font-size:1.25rem}
body{overflow-wrap:break-word}
dd,td,a,code{overflow-wrap:anywhere}
.card{border:1px solid #c4ccd4;border-radius:.4rem;padding:1rem;background:#fff}
.card h3{margin-top:0}
.cols{display:grid;gap:1rem}
@media (min-width:48rem){.cols{grid-template-columns:1fr 1fr}}
.meter{margin:.35rem 0 .5rem}
.meter progress{display:block;width:100%;height:1.1rem;border:1px solid #5a6570;border-radius:.3rem;background:#e8ecef;-webkit-appearance:none;appearance:none;overflow:hidden}
.meter progress::-webkit-progress-bar{background:#e8ecef}
.meter progress::-webkit-progress-value{background:#1d6b3a}
.meter progress::-moz-progress-bar{background:#1d6b3a}
.meter .value{font-weight:600;margin:.2rem 0 0}
.meter .note{margin:0;color:#4a4a4a;font-size:.95rem}
.no-evidence{display:inline-block;padding:.15rem .5rem;border:1px dashed #5a6570;border-radius:.3rem;background:#f3f6f9;font-weight:600}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.85rem;font-weight:600;background:#e8ecef;color:#1b1b1b}
.badge.completed,.badge.closed,.badge.active{background:#dff0e3;color:#14452a}
.badge.overdue,.badge.cancelled,.badge.closed_without_evidence{background:#fbe4e2;color:#7d1410}
.badge.evidence_requested,.badge.under_review,.badge.invited{background:#fff1d6;color:#5c3900}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #c4ccd4;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6f9}
blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid #c4ccd4;background:#f8f9fa;white-space:pre-line}
.minutes{white-space:pre-line}
form .field{margin:1rem 0}
label,legend{font-weight:600}
fieldset{border:1px solid #c4ccd4;border-radius:.3rem;margin:1rem 0;padding:.5rem 1rem 1rem}
fieldset label,.choice{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin:.35rem 0}
.hint{display:block;color:#4a4a4a;font-weight:400}
input[type=email],input[type=text]{display:block;width:100%;max-width:28rem;font:inherit;padding:.5rem;border:2px solid #5a6570;border-radius:.25rem;margin-top:.25rem}
input[aria-invalid=true]{border-color:#a4161a}
input[type=checkbox],input[type=radio]{width:1.25rem;height:1.25rem;margin-top:.15rem;flex:none}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:.3rem;background:#1d6b3a;color:#fff;cursor:pointer;min-height:44px}
button:hover{background:#14452a}
.button-link{display:inline-block;padding:.55rem 1rem;border:2px solid #0b4f8a;border-radius:.3rem;font-weight:600;text-decoration:none;min-height:44px}
.links{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0}
.site-footer{border-top:1px solid #d0d7de;background:#f3f6f9;padding:1rem 0;font-size:.95rem}
.site-footer ul{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;list-style:none;padding:0;margin:.5rem 0 0}
@media (max-width:30rem){h1{font-size:1.55rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}}
@media print{.site-header,.skip-link,.lang-switch,.site-footer{display:none}}
`
  .trim()
  .concat('\n');

/** The stylesheet's address: its content hash in the query, so it may be cached for a year. */
export const PUBLIC_CSS_HREF = `/assets/public.css?v=${createHash('sha256').update(PUBLIC_CSS).digest('hex').slice(0, 12)}`;

/**
 * The layout every page extends. Context: `lang`, `t` (the catalog in that language), `title` (the
 * <h1> and the <title>), optionally `siteName`/`siteHref` (the jurisdiction), `languages` (the switch:
 * `{ code, name, href, current }`), `breadcrumbs` (`{ text, href }`), `footerText`, `footerLinks`.
 */
export const LAYOUT_TEMPLATE = `<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{% if noindex %}<meta name="robots" content="noindex">
{% endif %}
<title>{{ title }}{% if siteName %} · {{ siteName }}{% endif %}</title>
<link rel="stylesheet" href="{{ cssHref }}">
{% for option in languages %}
<link rel="alternate" hreflang="{{ option.code }}" href="{{ option.href }}">
{% endfor %}
</head>
<body>
<a class="skip-link" href="#main">{{ t('publicPage.skipLink') }}</a>
<header class="site-header">
<div class="wrap">
<p class="site-name">{% if siteHref %}<a href="{{ siteHref }}">{{ siteName }}</a>{% else %}{{ siteName or t('publicPage.siteName') }}{% endif %}<span class="site-tagline">{{ t('publicPage.siteName') }}</span></p>
{% if languages.length %}
<nav class="lang-switch" aria-label="{{ t('publicPage.languageNav') }}">
<ul>
{% for option in languages %}
<li><a href="{{ option.href }}" lang="{{ option.code }}" hreflang="{{ option.code }}"{% if option.current %} aria-current="true"{% endif %}>{{ option.name }}</a></li>
{% endfor %}
</ul>
</nav>
{% endif %}
</div>
</header>
{% if breadcrumbs.length %}
<nav class="breadcrumbs wrap" aria-label="{{ t('publicPage.breadcrumb') }}">
<ol>
{% for crumb in breadcrumbs %}
<li><a href="{{ crumb.href }}">{{ crumb.text }}</a></li>
{% endfor %}
</ol>
</nav>
{% endif %}
<main id="main" class="wrap" tabindex="-1">
<h1>{{ title }}</h1>
{% block content %}{% endblock %}
</main>
<footer class="site-footer">
<div class="wrap">
{% if footerText %}<p>{{ footerText }}</p>{% endif %}
{% if footerLinks.length %}
<ul>
{% for link in footerLinks %}
<li><a href="{{ link.href }}">{{ link.text }}</a></li>
{% endfor %}
</ul>
{% endif %}
</div>
</footer>
</body>
</html>
`;

/**
 * Progress with its text equivalent, as a macro pages import: a <progress> bar named by the label and
 * described by the visible text; "no evidence yet" is said as such, never drawn as an empty bar.
 * `p`: a {@link Meter}.
 */
export const MACROS_TEMPLATE = `{% macro meter(p) %}
<div class="meter">
{% if p.noEvidence %}
<p class="value"><span class="no-evidence">{{ p.valueText }}</span></p>
{% else %}
<progress id="{{ p.id }}" max="100" value="{{ p.percent }}" aria-label="{{ p.label }}" aria-describedby="{{ p.id }}-text"></progress>
<p class="value" id="{{ p.id }}-text">{{ p.valueText }}{% if p.counts %} · {{ p.counts }}{% endif %}</p>
{% endif %}
{% if p.noEvidence and p.counts %}<p class="note">{{ p.counts }}</p>{% endif %}
{% if p.note %}<p class="note">{{ p.note }}</p>{% endif %}
</div>
{% endmacro %}
`;

class MemoryLoader implements nunjucks.ILoader {
  constructor(private readonly templates: Readonly<Record<string, string>>) {}

  getSource(name: string): nunjucks.LoaderSource {
    const src = this.templates[name];
    if (src === undefined) throw new Error(`No page template ${name}`);
    return { src, path: name, noCache: false };
  }
}

/** A Nunjucks environment over `templates` plus the shared `layout.njk` and `macros.njk` (autoescape on, undefined values are errors). */
export function createPageEnvironment(templates: Readonly<Record<string, string>>): nunjucks.Environment {
  return new nunjucks.Environment(new MemoryLoader({ 'layout.njk': LAYOUT_TEMPLATE, 'macros.njk': MACROS_TEMPLATE, ...templates }), {
    autoescape: true,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
}

/** Layout values a page may leave out. */
export const LAYOUT_DEFAULTS = { cssHref: PUBLIC_CSS_HREF, noindex: false, siteName: '', siteHref: '', languages: [], breadcrumbs: [], footerText: '', footerLinks: [] } as const;

/** A progress figure as the `meter` macro draws it. */
export interface Meter {
  id: string;
  /** The accessible name of the bar. */
  label: string;
  /** No milestone has accepted evidence: no bar, the text says so (it is not 0 %). */
  noEvidence: boolean;
  /** 0..100, whole. */
  percent: number;
  /** The text equivalent: level and percentage, or "No evidence yet". */
  valueText: string;
  /** "3 of 5 milestones complete", or ''. */
  counts: string;
  /** e.g. "2 of 5 milestones have no evidence yet.", or ''. */
  note: string;
}
