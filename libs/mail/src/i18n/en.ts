/**
 * Every English text of the check-in emails (the message catalog; es.ts has the same keys). Values
 * are i18next strings: `{{name}}` is interpolated, unescaped (the templates escape HTML themselves).
 */
export const en = {
  checkIn: {
    subject: {
      invitation: 'Dialogue Board check-in, {{date}}: {{planTitle}}',
      update: 'Updated: Dialogue Board check-in, {{date}}: {{planTitle}}',
      cancellation: 'Cancelled: Dialogue Board check-in, {{date}}: {{planTitle}}',
    },
    greeting: 'Dear {{name}},',
    intro: {
      invitation: 'You are invited to the monthly Dialogue Board check-in of the open government action plan "{{planTitle}}" ({{jurisdictionName}}), where we review its progress together.',
      update: 'The Dialogue Board check-in of the action plan "{{planTitle}}" ({{jurisdictionName}}) has changed. These are its details now:',
      cancellation: 'The Dialogue Board check-in of the action plan "{{planTitle}}" ({{jurisdictionName}}) planned for {{date}} is cancelled.',
    },
    reason: 'Reason: {{reason}}',
    facts: {
      when: 'When',
      duration: 'Duration',
      mode: 'How',
      address: 'Where',
      online: 'Online link',
    },
    durationValue: '{{count}} minutes',
    mode: {
      in_person: 'In person',
      online: 'Online',
      hybrid: 'In person and online',
    },
    joinOnline: 'Join online through this link: {{url}}',
    agenda: 'Agenda',
    agendaEmpty: 'The agenda has no items yet.',
    agendaTotal: 'Total: {{count}} minutes',
    kind: {
      milestones_due_soon: 'Milestones due soon',
      milestones_overdue: 'Overdue milestones',
      evidence_under_review: 'Evidence waiting for review',
      open_escalations: 'Open escalations to the Independent Monitoring Body',
      replannings: 'Replannings since the last check-in',
      open_action_items: 'Open action items from earlier check-ins',
      other: 'Other business',
    },
    itemHeading: '{{kind}}: {{commitment}} ({{count}} min)',
    itemHeadingPlan: '{{kind}} ({{count}} min)',
    link: {
      milestoneDue: '{{title}} (due {{date}})',
      milestoneOverdue: '{{title}} (was due {{date}})',
      evidence: '{{title}}',
      escalationRecommendation: '{{title}} (level {{level}}): the IMB recommends: {{recommendation}}',
      escalationNoRecommendation: '{{title}} (level {{level}}): no recommendation from the IMB yet',
      replanning: '{{title}}: from {{from}} to {{to}} ({{reason}})',
      actionItem: '{{title}} ({{owner}}, due {{date}})',
      actionItemOverdue: '{{title}} ({{owner}}, due {{date}}, OVERDUE)',
    },
    addToCalendar: 'Add it to your calendar: the attached invitation (.ics) does it in most mail programs, or use',
    google: 'Google Calendar',
    outlook: 'Outlook',
    feed: 'Every check-in of this plan, as a calendar you can subscribe to:',
    cancelledCalendar: 'The attached cancellation (.ics) removes it from your calendar.',
    closing: 'Thank you for taking part. Open Government Office',
  },
  closeReminder: {
    subject: 'Check-in of {{date}} not closed yet: {{planTitle}}',
    body: 'The Dialogue Board check-in of the action plan "{{planTitle}}" held on {{date}} has no minutes yet.',
    ask: 'Please record its minutes, attendance, decisions and action items here:',
    closing: 'OGP Local Monitor',
  },
  actionItemReminder: {
    subject: 'Reminder: action item due {{date}}: {{title}}',
    greeting: 'Dear {{name}},',
    body: 'At a Dialogue Board check-in of the action plan "{{planTitle}}" you took on this action item:',
    item: 'Action item',
    due: 'Due',
    ask: 'Please let the open-government office know its outcome before it is due; it stays on every check-in agenda until it is closed.',
    closing: 'Thank you. Open Government Office',
  },
};

/** The shape every language's catalog has: the English one's keys, each a string. */
export type MessageCatalog = DeepStrings<typeof en>;
type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
