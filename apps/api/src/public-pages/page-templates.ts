/**
 * The public pages' templates (Nunjucks, autoescaped), each extending the shared layout
 * (./page-layout.ts). Every text comes from the catalogs through `t` or from the view model
 * (./public-pages.service.ts), already in the page's language. No inline script or style.
 */
export const PAGE_TEMPLATES: Readonly<Record<string, string>> = {
  'plans.njk': `{% extends "layout.njk" %}
{% import "macros.njk" as m %}
{% block content %}
<p class="lead">{{ intro }}</p>
{% if plans.length %}
<ul class="cards">
{% for plan in plans %}
<li class="card">
<h2><a href="{{ plan.href }}">{{ plan.title }}</a></h2>
<dl class="facts">
<dt>{{ t('publicPage.plan.period') }}</dt><dd>{{ plan.period }}</dd>
<dt>{{ t('publicPage.plan.status') }}</dt><dd><span class="badge {{ plan.statusCode }}">{{ plan.status }}</span></dd>
</dl>
{{ m.meter(plan.meter) }}
</li>
{% endfor %}
</ul>
{% else %}
<p>{{ t('publicPage.plans.none') }}</p>
{% endif %}
<p><a href="{{ openDataHref }}">{{ t('publicPage.plan.openData') }}</a></p>
{% endblock %}
`,

  'plan.njk': `{% extends "layout.njk" %}
{% import "macros.njk" as m %}
{% block content %}
<dl class="facts">
<dt>{{ t('publicPage.plan.period') }}</dt><dd>{{ period }}</dd>
<dt>{{ t('publicPage.plan.status') }}</dt><dd><span class="badge {{ statusCode }}">{{ status }}</span></dd>
{% if imb %}<dt>{{ t('publicPage.plan.imb') }}</dt><dd>{{ imb }}</dd>{% endif %}
{% if endorsers %}<dt>{{ t('publicPage.plan.endorsers') }}</dt><dd>{{ endorsers }}</dd>{% endif %}
</dl>
{% if vision %}
<h2>{{ t('publicPage.plan.vision') }}</h2>
<p class="lead">{{ vision }}</p>
{% endif %}
<h2>{{ t('publicPage.plan.progressHeading') }}</h2>
{{ m.meter(meter) }}
<p class="muted">{{ t('publicPage.plan.progressNote') }}</p>
<h2>{{ t('publicPage.plan.commitmentsHeading') }}</h2>
{% if commitments.length %}
<ol class="cards">
{% for c in commitments %}
<li class="card">
<h3><a href="{{ c.href }}">{{ c.title }}</a></h3>
<p class="muted">{{ c.lead }} · <span class="badge {{ c.statusCode }}">{{ c.status }}</span></p>
{{ m.meter(c.meter) }}
</li>
{% endfor %}
</ol>
{% else %}
<p>{{ t('publicPage.plan.noCommitments') }}</p>
{% endif %}
<h2>{{ t('publicPage.plan.followHeading') }}</h2>
<ul class="links">
{% for link in follow %}
<li><a class="button-link" href="{{ link.href }}">{{ link.text }}</a></li>
{% endfor %}
</ul>
{% endblock %}
`,

  'commitment.njk': `{% extends "layout.njk" %}
{% import "macros.njk" as m %}
{% block content %}
{% if description %}<p class="lead">{{ description }}</p>{% endif %}
<h2>{{ t('publicPage.commitment.about') }}</h2>
<dl class="facts">
<dt>{{ t('publicPage.commitment.leadAgency') }}</dt><dd>{{ leadAgency }}</dd>
{% if supporting %}<dt>{{ t('publicPage.commitment.supporting') }}</dt><dd>{{ supporting }}</dd>{% endif %}
{% if ogpValues %}<dt>{{ t('publicPage.commitment.ogpValues') }}</dt><dd>{{ ogpValues }}</dd>{% endif %}
<dt>{{ t('publicPage.commitment.status') }}</dt><dd><span class="badge {{ statusCode }}">{{ status }}</span></dd>
</dl>
<h2>{{ t('publicPage.commitment.progressHeading') }}</h2>
{{ m.meter(meter) }}
<h2>{{ t('publicPage.commitment.milestonesHeading') }}</h2>
{% if milestones.length %}
<ol class="cards">
{% for ms in milestones %}
<li class="card">
<h3>{{ ms.title }}</h3>
<dl class="facts">
<dt>{{ t('publicPage.commitment.agency') }}</dt><dd>{{ ms.agency }}</dd>
{% if ms.expectedOutput %}<dt>{{ t('publicPage.commitment.expectedOutput') }}</dt><dd>{{ ms.expectedOutput }}</dd>{% endif %}
<dt>{{ t('publicPage.commitment.start') }}</dt><dd>{{ ms.start }}</dd>
<dt>{{ t('publicPage.commitment.due') }}</dt><dd>{{ ms.due }}</dd>
<dt>{{ t('publicPage.commitment.status') }}</dt><dd><span class="badge {{ ms.statusCode }}">{{ ms.status }}</span></dd>
<dt>{{ t('publicPage.commitment.completion') }}</dt><dd>{% if ms.noEvidence %}<span class="no-evidence">{{ ms.completion }}</span>{% else %}{{ ms.completion }}{% endif %}</dd>
</dl>
{% if not ms.verifiable %}<p class="muted">{{ t('publicPage.commitment.notVerifiable') }}</p>{% endif %}
{% if ms.replanning.length %}
<h4>{{ t('publicPage.commitment.replanningHeading') }}</h4>
<div class="table-wrap" role="region" tabindex="0" aria-label="{{ ms.replanningCaption }}">
<table>
<caption>{{ ms.replanningCaption }}</caption>
<thead><tr><th scope="col">{{ t('publicPage.commitment.originalDate') }}</th><th scope="col">{{ t('publicPage.commitment.newDate') }}</th><th scope="col">{{ t('publicPage.commitment.reason') }}</th><th scope="col">{{ t('publicPage.commitment.changedOn') }}</th></tr></thead>
<tbody>
{% for r in ms.replanning %}
<tr><td>{{ r.from }}</td><td>{{ r.to }}</td><td>{{ r.reason }}</td><td>{{ r.changedOn }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% endif %}
<h4>{{ t('publicPage.commitment.evidenceHeading') }}</h4>
{% if ms.evidence.length %}
<ul>
{% for e in ms.evidence %}
<li><a href="{{ e.href }}" rel="nofollow noopener">{{ e.text }}</a></li>
{% endfor %}
</ul>
{% else %}
<p class="muted">{{ t('publicPage.commitment.noEvidence') }}</p>
{% endif %}
</li>
{% endfor %}
</ol>
{% else %}
<p>{{ t('publicPage.commitment.noMilestones') }}</p>
{% endif %}
<h2>{{ t('publicPage.commitment.assessmentsHeading') }}</h2>
<p>{{ t('publicPage.commitment.assessmentsIntro') }}</p>
<div class="cols">
{% for a in assessments %}
<section class="card" aria-labelledby="assessment-{{ a.key }}">
<h3 id="assessment-{{ a.key }}">{{ a.heading }}</h3>
{% if a.found %}
<dl class="facts">
<dt>{{ t('publicPage.commitment.completion') }}</dt><dd>{{ a.completion }}</dd>
{% if a.potential %}<dt>{{ t('publicPage.commitment.potential') }}</dt><dd>{{ a.potential }}</dd>{% endif %}
{% if a.opened %}<dt>{{ t('publicPage.commitment.opened') }}</dt><dd>{{ a.opened }}</dd>{% endif %}
</dl>
<p class="minutes">{{ a.narrative }}</p>
<p class="muted">{{ a.assessedOn }}</p>
{% else %}
<p class="muted">{{ t('publicPage.commitment.notAssessed') }}</p>
{% endif %}
</section>
{% endfor %}
</div>
<h2>{{ t('publicPage.commitment.committeeHeading') }}</h2>
<p>{{ t('publicPage.commitment.committeeIntro') }}</p>
{% if committee.length %}
<ul>
{% for member in committee %}
<li>{{ member.organisation }} ({{ member.role }})</li>
{% endfor %}
</ul>
{% else %}
<p class="muted">{{ t('publicPage.commitment.noCommittee') }}</p>
{% endif %}
{% endblock %}
`,

  'check-ins.njk': `{% extends "layout.njk" %}
{% block content %}
<p class="lead">{{ t('publicPage.checkIns.intro') }}</p>
{% if checkIns.length %}
<ul class="cards">
{% for c in checkIns %}
<li class="card">
<h2><a href="{{ c.href }}">{{ c.title }}</a></h2>
<p><span class="badge {{ c.statusCode }}">{{ c.status }}</span>{% if c.minutesPublished %} · {{ t('publicPage.checkIns.minutesPublished') }}{% endif %}</p>
<p class="muted">{{ c.when }}</p>
</li>
{% endfor %}
</ul>
{% else %}
<p>{{ t('publicPage.checkIns.none') }}</p>
{% endif %}
<p><a href="{{ calendarHref }}">{{ t('publicPage.checkIns.calendar') }}</a></p>
{% endblock %}
`,

  'check-in.njk': `{% extends "layout.njk" %}
{% block content %}
<dl class="facts">
<dt>{{ t('publicPage.checkIn.when') }}</dt><dd>{{ when }}</dd>
<dt>{{ t('checkIn.facts.duration') }}</dt><dd>{{ duration }}</dd>
<dt>{{ t('checkIn.facts.mode') }}</dt><dd>{{ mode }}</dd>
{% if address %}<dt>{{ t('checkIn.facts.address') }}</dt><dd>{{ address }}</dd>{% endif %}
{% if onlineUrl %}<dt>{{ t('checkIn.facts.online') }}</dt><dd><a href="{{ onlineUrl }}" rel="nofollow noopener">{{ onlineUrl }}</a></dd>{% endif %}
<dt>{{ t('publicPage.checkIn.status') }}</dt><dd><span class="badge {{ statusCode }}">{{ status }}</span></dd>
</dl>
<h2>{{ t('checkIn.agenda') }}</h2>
{% if agenda.length %}
<ol>
{% for item in agenda %}
<li>{{ item.title }} <span class="muted">({{ item.duration }})</span></li>
{% endfor %}
</ol>
{% else %}
<p>{{ t('checkIn.agendaEmpty') }}</p>
{% endif %}
<h2>{{ t('publicPage.checkIn.minutesHeading') }}</h2>
{% if published %}
<p class="muted">{{ approvedOn }}</p>
<div class="minutes">{{ minutes }}</div>
<h2>{{ t('publicPage.checkIn.decisionsHeading') }}</h2>
{% if decisions.length %}
<ul>
{% for decision in decisions %}
<li>{{ decision }}</li>
{% endfor %}
</ul>
{% else %}
<p>{{ t('publicPage.checkIn.noDecisions') }}</p>
{% endif %}
<h2>{{ t('publicPage.checkIn.actionItemsHeading') }}</h2>
{% if actionItems.length %}
<ul>
{% for item in actionItems %}
<li>{{ item.title }} <span class="muted">({{ item.due }})</span></li>
{% endfor %}
</ul>
{% else %}
<p>{{ t('publicPage.checkIn.noActionItems') }}</p>
{% endif %}
{% else %}
<p>{{ t('publicPage.checkIn.minutesPending') }}</p>
{% endif %}
{% endblock %}
`,

  'digests.njk': `{% extends "layout.njk" %}
{% block content %}
<p class="lead">{{ t('publicPage.digests.intro') }}</p>
{% if digests.length %}
<ul>
{% for d in digests %}
<li><a href="{{ d.href }}">{{ d.title }}</a></li>
{% endfor %}
</ul>
{% else %}
<p>{{ t('publicPage.digests.none') }}</p>
{% endif %}
{% if subscribeHref %}<p><a class="button-link" href="{{ subscribeHref }}">{{ t('publicPage.plan.subscribe') }}</a></p>{% endif %}
{% endblock %}
`,

  'digest.njk': `{% extends "layout.njk" %}
{% import "macros.njk" as m %}
{% macro items(list) %}
<ul>
{% for item in list %}
<li>{% if item.href %}<a href="{{ item.href }}" rel="nofollow noopener">{{ item.text }}</a>{% else %}{{ item.text }}{% endif %}
{% if item.children.length %}{{ items(item.children) }}{% endif %}
</li>
{% endfor %}
</ul>
{% endmacro %}
{% block content %}
{% for block in blocks %}
{% if block.kind == 'heading' %}
<h2>{{ block.text }}</h2>
{% elif block.kind == 'text' %}
<p{% if block.muted %} class="muted"{% endif %}>{{ block.text }}</p>
{% elif block.kind == 'progress' %}
<h3>{{ block.meter.label }}</h3>
{{ m.meter(block.meter) }}
{% elif block.kind == 'list' %}
{{ items(block.items) }}
{% endif %}
{% endfor %}
{% if subscribeHref %}<p><a class="button-link" href="{{ subscribeHref }}">{{ t('publicPage.plan.subscribe') }}</a></p>{% endif %}
{% endblock %}
`,

  'subscribe.njk': `{% extends "layout.njk" %}
{% block content %}
<p class="lead">{{ intro }}</p>
<p>{{ t('publicPage.subscribe.privacy') }}</p>
{% if closed %}
<p class="notice">{{ t('publicPage.subscribe.closed') }}</p>
{% else %}
{% if errors.length %}
<div class="error-summary" role="alert" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">{{ t('publicPage.subscribe.errorTitle') }}</h2>
<ul>
{% for error in errors %}
<li><a href="#{{ error.target }}">{{ error.message }}</a></li>
{% endfor %}
</ul>
</div>
{% endif %}
<form method="post" action="{{ action }}" novalidate>
<div class="field">
<label for="email">{{ t('publicPage.subscribe.email') }}</label>
<span class="hint" id="email-hint">{{ t('publicPage.subscribe.emailHint') }}</span>
{% if fieldErrors.email %}<span class="field-error" id="email-error">{{ fieldErrors.email }}</span>{% endif %}
<input type="email" id="email" name="email" autocomplete="email" spellcheck="false" required value="{{ email }}" aria-describedby="email-hint{% if fieldErrors.email %} email-error{% endif %}"{% if fieldErrors.email %} aria-invalid="true"{% endif %}>
</div>
{% if commitments.length %}
<fieldset id="commitmentIds" aria-describedby="topics-hint{% if fieldErrors.commitmentIds %} topics-error{% endif %}">
<legend>{{ t('publicPage.subscribe.topics') }}</legend>
<span class="hint" id="topics-hint">{{ t('publicPage.subscribe.topicsHint') }}</span>
{% if fieldErrors.commitmentIds %}<span class="field-error" id="topics-error">{{ fieldErrors.commitmentIds }}</span>{% endif %}
{% for c in commitments %}
<div class="choice"><input type="checkbox" id="commitment-{{ loop.index }}" name="commitmentIds" value="{{ c.id }}"{% if c.checked %} checked{% endif %}><label for="commitment-{{ loop.index }}">{{ c.title }}</label></div>
{% endfor %}
</fieldset>
{% endif %}
<fieldset id="language"{% if fieldErrors.language %} aria-describedby="language-error"{% endif %}>
<legend>{{ t('publicPage.subscribe.language') }}</legend>
{% if fieldErrors.language %}<span class="field-error" id="language-error">{{ fieldErrors.language }}</span>{% endif %}
{% for option in languageOptions %}
<div class="choice"><input type="radio" id="language-{{ option.code }}" name="language" value="{{ option.code }}"{% if option.checked %} checked{% endif %}><label for="language-{{ option.code }}" lang="{{ option.code }}">{{ option.name }}</label></div>
{% endfor %}
</fieldset>
<button type="submit">{{ t('publicPage.subscribe.submit') }}</button>
</form>
{% endif %}
{% endblock %}
`,

  'subscribe-sent.njk': `{% extends "layout.njk" %}
{% block content %}
<p class="notice" role="status">{{ t('publicPage.subscribe.sentBody') }}</p>
<p>{{ t('publicPage.subscribe.sentSpam') }}</p>
<p><a href="{{ planHref }}">{{ t('publicPage.subscribe.back') }}</a></p>
{% endblock %}
`,

  'open-data.njk': `{% extends "layout.njk" %}
{% block content %}
<p class="lead">{{ intro }}</p>
<p>{{ t('publicPage.openData.personal') }}</p>
{% for plan in plans %}
<h2 id="downloads-{{ loop.index }}">{{ plan.heading }}</h2>
<div class="table-wrap" role="region" tabindex="0" aria-labelledby="downloads-{{ loop.index }}">
<table aria-labelledby="downloads-{{ loop.index }}">
<thead><tr><th scope="col">{{ t('publicPage.openData.download') }}</th><th scope="col">{{ t('publicPage.openData.format') }}</th><th scope="col">{{ t('publicPage.openData.contents') }}</th></tr></thead>
<tbody>
{% for d in plan.downloads %}
<tr><td><a href="{{ d.href }}"><code>{{ d.name }}</code></a></td><td>{{ d.format }}</td><td>{{ d.contents }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% else %}
<p>{{ t('publicPage.openData.noPlans') }}</p>
{% endfor %}
<h2>{{ t('publicPage.openData.reuseHeading') }}</h2>
<p>{{ t('publicPage.openData.conditional') }}</p>
<p>{{ t('publicPage.openData.csvNote') }}</p>
<p>{{ t('publicPage.openData.api') }} <a href="/docs">{{ t('publicPage.apiDocs') }}</a></p>
{% endblock %}
`,

  'error.njk': `{% extends "layout.njk" %}
{% block content %}
<p>{{ body }}</p>
{% endblock %}
`,

  'not-found.njk': `{% extends "layout.njk" %}
{% block content %}
<p>{{ t('publicPage.notFound.body') }}</p>
{% if homeHref %}<p><a href="{{ homeHref }}">{{ homeText }}</a></p>{% endif %}
{% endblock %}
`,
};
