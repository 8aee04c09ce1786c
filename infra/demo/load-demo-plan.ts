import { AGENCIES, AgencyKey, BOARD_ORGANISATIONS, COMMITMENTS, DEMO_CHECK_IN_SCHEDULE, DEMO_DIGEST_SCHEDULE, DEMO_JURISDICTION_SLUG, DEMO_POLICY, DEMO_SUBSCRIBERS } from './rosario-plan';

const DAY_MS = 24 * 3600 * 1000;

export interface DemoTokens {
  coordinator: string;
  imb: string;
  /** Agency name → its token. */
  agencies: Record<string, string>;
}

/**
 * Loads the Rosario demo through the public API, once: when the jurisdiction exists already, the
 * demo was loaded by an earlier run and nothing is done. Creates a coordinator, an IMB and one
 * token per agency (shown once by the API, so the caller keeps them). The plan gets Dialogue Board
 * check-ins every quarter of an hour (DEMO_CHECK_IN_SCHEDULE): the first invitations arrive within minutes;
 * a few subscribers in two languages (DEMO_SUBSCRIBERS, imported as CSV) get the monthly digest from a
 * schedule running every five minutes (DEMO_DIGEST_SCHEDULE).
 */
export async function loadDemoPlan(apiUrl: string, adminToken: string, now = new Date()): Promise<{ loaded: boolean; milestones: number; tokens: DemoTokens | null }> {
  let token = adminToken;
  const call = async <T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };

  const existing = await call<{ slug: string }[]>('GET', '/jurisdictions');
  if (existing.some((j) => j.slug === DEMO_JURISDICTION_SLUG)) return { loaded: false, milestones: 0, tokens: null };

  const jurisdiction = await call<{ id: string }>('POST', '/jurisdictions', {
    slug: DEMO_JURISDICTION_SLUG,
    name: 'Municipality of Rosario',
    country: 'AR',
    timeZone: 'America/Argentina/Cordoba',
    defaultLanguage: 'es',
    officeContacts: [{ name: 'Directorate of Open Government', email: 'gobiernoabierto@demo.rosario.example' }],
  });
  const newToken = async (body: Record<string, string>) => (await call<{ token: string }>('POST', `/jurisdictions/${jurisdiction.id}/tokens`, body)).token;
  const tokens: DemoTokens = { coordinator: await newToken({ role: 'coordinator', label: 'Directorate of Open Government (demo)' }), imb: '', agencies: {} };
  token = tokens.coordinator; // everything below is the coordinator's work
  tokens.imb = await newToken({ role: 'imb', label: 'PoliLab UNR (demo)' });
  const agencyIds = {} as Record<AgencyKey, string>;
  for (const [key, agency] of Object.entries(AGENCIES) as [AgencyKey, (typeof AGENCIES)[AgencyKey]][]) {
    const { contactEmail, contactName, ...rest } = agency;
    agencyIds[key] = (await call<{ id: string }>('POST', `/jurisdictions/${jurisdiction.id}/agencies`, { ...rest, contacts: [{ name: contactName, email: contactEmail }] })).id;
    tokens.agencies[agency.name] = await newToken({ role: 'agency', label: `${agency.name} (demo)`, agencyId: agencyIds[key] });
  }
  for (const [i, organisation] of BOARD_ORGANISATIONS.entries()) {
    await call('POST', `/jurisdictions/${jurisdiction.id}/dialogue-board/members`, {
      name: `Representative ${i + 1}`,
      organisation,
      email: `board${i + 1}@demo.rosario.example`,
      language: 'es',
    });
  }

  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  const periodEnd = new Date(now.getTime() + 700 * DAY_MS);
  const plan = await call<{ id: string }>('POST', '/plans', {
    jurisdictionId: jurisdiction.id,
    title: 'Rosario OGP Local Action Plan (demo)',
    periodStart: isoDate(new Date(now.getTime() - DAY_MS)),
    periodEnd: isoDate(periodEnd),
    termEnd: isoDate(new Date(periodEnd.getTime() + 61 * DAY_MS)),
    strategicVision:
      'Accelerate the digital transformation of the municipality and deepen public policies based on data and evidence, with citizens taking part in every public decision.',
    status: 'active',
    policy: DEMO_POLICY,
    imb: { name: 'PoliLab UNR', contacts: [{ name: 'IMB coordination', email: 'imb@polilab.demo.example' }] },
    endorsingStakeholders: BOARD_ORGANISATIONS,
  });

  let milestones = 0;
  for (const commitment of COMMITMENTS) {
    const created = await call<{ id: string }>('POST', `/plans/${plan.id}/commitments`, {
      externalId: `C${COMMITMENTS.indexOf(commitment) + 1}`,
      title: commitment.title,
      description: commitment.description,
      leadAgencyId: agencyIds[commitment.lead],
      ogpValues: commitment.ogpValues,
    });
    for (const milestone of commitment.milestones) {
      const dueAt = milestone.dueInMinutes !== undefined ? new Date(now.getTime() + milestone.dueInMinutes * 60_000) : new Date(now.getTime() + milestone.dueInDays! * DAY_MS);
      await call('POST', `/commitments/${created.id}/milestones`, {
        externalId: `C${COMMITMENTS.indexOf(commitment) + 1}.${commitment.milestones.indexOf(milestone) + 1}`,
        title: milestone.title,
        expectedOutput: milestone.expectedOutput,
        startAt: now.toISOString(),
        dueAt: dueAt.toISOString(),
        responsibleAgencyId: agencyIds[milestone.agency],
      });
      milestones += 1;
    }
  }
  // Last, so the first agenda has the milestones: the plan is active, so the API creates the schedule
  // dialogue-board-<plan> and triggers it once, which prepares the first meeting and its invitations.
  await call('PUT', `/plans/${plan.id}/check-in-schedule`, DEMO_CHECK_IN_SCHEDULE);
  // Subscribers who consented elsewhere, imported as confirmed; then the digest schedule digest-<plan>.
  const consentedAt = isoDate(new Date(now.getTime() - 30 * DAY_MS));
  const csv = ['email;language;commitment_external_ids;consented_at', ...DEMO_SUBSCRIBERS.map((s) => `${s.email};${s.language};${s.commitments.join('|')};${consentedAt}`)].join('\n');
  await call('POST', `/plans/${plan.id}/subscribers/import`, csv, 'text/csv');
  await call('PUT', `/plans/${plan.id}/digest-schedule`, DEMO_DIGEST_SCHEDULE);
  return { loaded: true, milestones, tokens };
}
