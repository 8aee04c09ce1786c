/**
 * The demo: Rosario's OGP Local action plan (../shared/domain/seeds), its five lead institutions as
 * agencies, PoliLab UNR as IMB and part of its Dialogue Board. Contacts are fictitious (.example).
 * The policy runs on minutes, and a few milestones fall due minutes after loading, so a person
 * watching sees evidence requests, reminders and an overdue milestone within about five minutes.
 */
export const DEMO_JURISDICTION_SLUG = 'rosario';

export const DEMO_POLICY = {
  evidenceRequestLeadSeconds: 120,
  reminderIntervalSeconds: 60,
  maxReminders: 3,
  escalationGraceSeconds: 120,
  secondLevelEscalationSeconds: 300,
  uploadLinkValidityAfterDueSeconds: 3600,
  resubmissionSeconds: 300,
};

/**
 * The Dialogue Board's check-in settings in the demo (PUT /plans/:id/check-in-schedule): a meeting
 * every quarter of an hour (local time in the jurisdiction's zone), invitations 14 minutes ahead. The
 * schedule is triggered once when created, which prepares the first meeting (at most 15 minutes
 * away), so the mail viewer shows its invitations within a minute or so of `npm start`; a real plan
 * meets monthly (e.g. the first Tuesday at 18:00: dayOfMonth 1-7, dayOfWeek TUESDAY, hour 18).
 */
export const DEMO_CHECK_IN_SCHEDULE = {
  calendar: { minute: [{ start: 0, end: 59, step: 15 }], hour: '*' as const },
  mode: 'hybrid',
  address: 'Palacio de los Leones, Sala de Reuniones, Buenos Aires 711, Rosario',
  onlineUrl: 'https://meet.demo.rosario.example/mesa-de-dialogo',
  policy: {
    durationMinutes: 10,
    invitationLeadSeconds: 14 * 60,
    closeReminderAfterSeconds: 5 * 60,
    actionItemReminderLeadSeconds: 2 * 60,
    upcomingWindowSeconds: 30 * 24 * 3600,
  },
};

/**
 * The monthly digest in the demo (PUT /plans/:id/digest-schedule): a run every five minutes (local
 * time in the jurisdiction's zone), so the mail viewer shows the digest of the month before within
 * five minutes of `npm start`; later runs find that month's digest started and send nothing again. A
 * real plan sends monthly (e.g. the 1st at 09:00: dayOfMonth 1, hour 9, minute 0).
 */
export const DEMO_DIGEST_SCHEDULE = {
  calendar: { minute: [{ start: 0, end: 59, step: 5 }], hour: '*' as const },
};

/**
 * Residents who subscribed to the digest elsewhere (a paper form at a district centre), imported
 * through POST /plans/:id/subscribers/import as confirmed: in two languages, some following only a
 * few commitments (by external id, `|`-separated), the others the whole plan.
 */
export const DEMO_SUBSCRIBERS: { email: string; language: 'es' | 'en'; commitments: string[] }[] = [
  { email: 'vecina.centro@demo.rosario.example', language: 'es', commitments: [] },
  { email: 'vecino.norte@demo.rosario.example', language: 'es', commitments: ['C1', 'C3'] },
  { email: 'colectivo.genero@demo.rosario.example', language: 'es', commitments: ['C2'] },
  { email: 'researcher@demo.rosario.example', language: 'en', commitments: [] },
  { email: 'journalist@demo.rosario.example', language: 'en', commitments: ['C4', 'C5'] },
];

export const AGENCIES = {
  modernization: { name: 'Secretariat of Modernization and Proximity', contactEmail: 'modernizacion@demo.rosario.example', contactName: 'Open Government referent', language: 'es' },
  gender: { name: 'Secretariat of Gender and Human Rights', contactEmail: 'genero@demo.rosario.example', contactName: 'Gender data referent', language: 'es' },
  environment: { name: 'Secretariat of Environment and Public Space', contactEmail: 'ambiente@demo.rosario.example', contactName: 'Climate Action Plan referent', language: 'es' },
  cabinet: { name: 'Coordination of Municipal Cabinet', contactEmail: 'gabinete@demo.rosario.example', contactName: 'Procurement referent', language: 'es' },
  transparency: { name: 'Directorate of Research, Public Ethics and Transparency', contactEmail: 'transparencia@demo.rosario.example', contactName: 'Access to information referent', language: 'en' },
} as const;

export type AgencyKey = keyof typeof AGENCIES;

export const BOARD_ORGANISATIONS = [
  'Colectivo Ciudadano para el Gobierno Abierto de Rosario',
  'Observatorio Legislativo Local',
  'Taller Ecologista',
  'Fundación Apertura',
  'Nodo Tau',
  'Acción Colectiva',
  'Fridays for Future Rosario',
  'Mumalá - Mujeres de la Matria Latinoamericana',
  'TECHO',
  'Red Académica de Gobierno Abierto',
];

/** `dueInMinutes` for milestones the demo shows at once; `dueInDays` for the rest of the plan. */
export interface DemoMilestone {
  title: string;
  expectedOutput: string;
  agency: AgencyKey;
  dueInMinutes?: number;
  dueInDays?: number;
}

export interface DemoCommitment {
  title: string;
  description: string;
  lead: AgencyKey;
  ogpValues: string[];
  milestones: DemoMilestone[];
}

export const COMMITMENTS: DemoCommitment[] = [
  {
    title: 'Dynamic and evaluable citizen-participation tools',
    description: 'Monitor and update the participation tools (Rosario Participa, Decidim) with evaluation mechanisms so they adapt to citizens.',
    lead: 'modernization',
    ogpValues: ['civic_participation', 'technology_and_innovation'],
    milestones: [
      { title: 'Evaluation framework for participation tools agreed with the Dialogue Board', expectedOutput: 'Framework document with indicators, published', agency: 'modernization', dueInMinutes: 3 },
      { title: 'Evaluation of three participation tools carried out', expectedOutput: 'Evaluation report per tool', agency: 'modernization', dueInDays: 120 },
      { title: 'Improvements to Rosario Participa deployed', expectedOutput: 'Release notes and public changelog', agency: 'modernization', dueInDays: 300 },
      { title: 'Public accountability event on the participation tools', expectedOutput: 'Minutes and recording of the event', agency: 'modernization', dueInDays: 500 },
    ],
  },
  {
    title: 'Participation and monitoring of the Local Climate Action Plan',
    description: 'Open the follow-up of the Local Climate Action Plan to citizens and civil-society organisations.',
    lead: 'environment',
    ogpValues: ['civic_participation', 'public_accountability'],
    milestones: [
      { title: 'Climate Action Plan indicators published as open data', expectedOutput: 'Dataset on the open data portal', agency: 'environment', dueInMinutes: 4 },
      { title: 'Participatory monitoring committee for the Climate Action Plan formed', expectedOutput: 'Committee charter and member list', agency: 'environment', dueInDays: 90 },
      { title: 'First public climate progress report', expectedOutput: 'Report discussed with the committee', agency: 'environment', dueInDays: 365 },
    ],
  },
  {
    title: 'Tools and capacities for gender-perspective policy analysis',
    description: 'Create tools and train public servants to analyse public policies with a gender perspective.',
    lead: 'gender',
    ogpValues: ['access_to_information', 'public_accountability'],
    milestones: [
      { title: 'Gender-disaggregated data inventory completed', expectedOutput: 'Inventory of municipal datasets with sex/gender variables', agency: 'gender', dueInMinutes: 2 },
      { title: 'Training programme for public servants delivered', expectedOutput: 'Attendance and evaluation of the training', agency: 'gender', dueInDays: 200 },
      { title: 'Gender-perspective analysis guide published', expectedOutput: 'Guide published under an open licence', agency: 'gender', dueInDays: 400 },
    ],
  },
  {
    title: 'Better tools for Access to Public Information',
    description: 'Improve active and passive transparency: request handling, response times and published answers.',
    lead: 'transparency',
    ogpValues: ['access_to_information', 'technology_and_innovation'],
    milestones: [
      { title: 'Access to information request tracker launched', expectedOutput: 'Public tracker of requests and response times', agency: 'transparency', dueInDays: 150 },
      { title: 'Answers to information requests published', expectedOutput: 'Searchable archive of answers', agency: 'transparency', dueInDays: 270 },
      { title: 'Annual report on Access to Public Information', expectedOutput: 'Report presented to the Dialogue Board', agency: 'transparency', dueInDays: 450 },
    ],
  },
  {
    title: 'Open Contracting Data Standard publication',
    description: 'Publish municipal procurement under the Open Contracting Data Standard and join the Open Contracting Partnership community.',
    lead: 'cabinet',
    ogpValues: ['access_to_information', 'public_accountability'],
    milestones: [
      { title: 'Procurement data mapped to OCDS', expectedOutput: 'Mapping document reviewed by the Dialogue Board', agency: 'cabinet', dueInDays: 100 },
      { title: 'First OCDS release published', expectedOutput: 'OCDS JSON releases on the open data portal', agency: 'cabinet', dueInDays: 240 },
      { title: 'Procurement visualisation for citizens', expectedOutput: 'Public dashboard', agency: 'cabinet', dueInDays: 420 },
      { title: 'Open Contracting Partnership community membership', expectedOutput: 'Letter of adhesion', agency: 'modernization', dueInDays: 520 },
      { title: 'Training for suppliers and civil society on OCDS data', expectedOutput: 'Two workshops with materials published', agency: 'cabinet', dueInDays: 600 },
    ],
  },
];
