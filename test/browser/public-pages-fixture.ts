import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { composeDigest, MilestoneStatus, monthOf, previousMonth, CompletionLevel } from '../../libs/domain/src';
import { createPlanFixture, type PlanFixture } from '../support/fixtures';
import type { TestSystem } from '../support/test-system';

const DAY = 86_400_000;

/** Durations of days: nothing of the milestones' workflows happens while the pages are read. */
const QUIET_POLICY = {
  evidenceRequestLeadSeconds: 86_400,
  reminderIntervalSeconds: 86_400,
  maxReminders: 1,
  escalationGraceSeconds: 86_400,
  secondLevelEscalationSeconds: 2 * 86_400,
  uploadLinkValidityAfterDueSeconds: 86_400,
  resubmissionSeconds: 86_400,
};

export interface PublicPagesFixture extends PlanFixture {
  slug: string;
  jurisdictionName: string;
  planTitle: string;
  /** The first commitment has evidence, a replanned milestone, both assessments and a committee; the second has no evidence yet. */
  secondCommitmentId: string;
  completedMilestoneId: string;
  replannedMilestoneId: string;
  evidenceLink: string;
  replanReason: string;
  checkInId: string;
  minutes: string;
  decision: string;
  actionItemTitle: string;
  /** `YYYY-MM` of the archived digest. */
  month: string;
  /** A draft plan of the same jurisdiction: no page may show it. */
  draftPlanId: string;
  draftTitle: string;
  /** Personal data stored in the fixture (names, addresses, the stored email HTML marker): never on a page. */
  personal: string[];
}

/**
 * A published plan with what every public page shows, built through the API where a route exists
 * (jurisdiction, plan, commitments, milestones, a replanning through the milestone's workflow, both
 * assessments, the follow-up committee, a Dialogue Board member, a draft plan) and, where the real flow
 * takes a workflow run of minutes, by writing rows directly (honestly: these are fixtures, not the flow):
 * - the accepted public evidence of one milestone (evidence_request, evidence, evidence_review, and
 *   the milestone marked completed/complete as the review activity would);
 * - a held Dialogue Board check-in with approved minutes, a decision and an open action item (a
 *   schedule run creates check-ins; closing and approving go through the API elsewhere);
 * - an archived digest issue of last month, its content composed by the domain's composeDigest
 *   (the digest workflow archives it this way after a run).
 */
export async function createPublicPagesFixture(system: TestSystem): Promise<PublicPagesFixture> {
  const base = await createPlanFixture(system, { policy: QUIET_POLICY });
  const http = system.http();
  const db = system.api.get(DataSource);
  // Names a reader of the screenshots recognises (slugs stay unique; names need not be).
  await db.query('UPDATE jurisdiction SET name = $2 WHERE id = $1', [base.jurisdictionId, 'Municipality of Rosario']);
  await db.query('UPDATE action_plan SET title = $2 WHERE id = $1', [base.planId, 'Rosario OGP Local Action Plan 2025–2027']);
  const [jurisdiction]: { slug: string; name: string }[] = await db.query('SELECT slug, name FROM jurisdiction WHERE id = $1', [base.jurisdictionId]);
  const [plan]: { title: string }[] = await db.query('SELECT title FROM action_plan WHERE id = $1', [base.planId]);
  const suffix = randomBytes(3).toString('hex');
  const personal = [`laura.gomez-${suffix}@personal.example`, `Laura Gómez ${suffix}`, `pedro.diaz-${suffix}@personal.example`, `Pedro Díaz ${suffix}`, `owner-${suffix}@personal.example`, `Olga Owner ${suffix}`, 'PER-RECIPIENT-MARKER'];

  // createPlanFixture's plan has no vision; a PATCH needs If-Match: the column is written directly.
  await db.query('UPDATE action_plan SET strategic_vision = $2 WHERE id = $1', [base.planId, 'A municipality that decides with its residents, on open data.']);

  const second = await http
    .post(`/plans/${base.planId}/commitments`)
    .set(base.coordinator)
    .send({ title: 'Open data portal for public works', description: 'Every public work with its budget, contractor and progress, as open data.', leadAgencyId: base.agencyId, ogpValues: ['access_to_information', 'public_accountability'] })
    .expect(201);

  const now = Date.now();
  const milestone = async (commitmentId: string, title: string, dueInDays: number) =>
    (
      await http
        .post(`/commitments/${commitmentId}/milestones`)
        .set(base.coordinator)
        .send({ title, expectedOutput: `${title}: published on the municipal website`, startAt: new Date(now).toISOString(), dueAt: new Date(now + dueInDays * DAY).toISOString(), responsibleAgencyId: base.agencyId })
        .expect((res) => {
          if (res.status !== 201) throw new Error(`milestone answered ${res.status}: ${res.text}`);
        })
    ).body as { id: string };
  const completed = await milestone(base.commitmentId, 'Participation platform launched', 30);
  const replanned = await milestone(base.commitmentId, 'Evaluation report published', 60);
  await milestone(second.body.id, 'Public works dataset published', 45);

  const replanReason = 'The evaluation waits for the second participation cycle';
  // The milestone's workflow may move it on (and its ETag with it) between the read and the replan:
  // read again and reapply, as the 412 asks (a few times at most).
  for (let attempt = 1; ; attempt++) {
    const read = await http.get(`/milestones/${replanned.id}`).set(base.coordinator).expect(200);
    const res = await http
      .post(`/milestones/${replanned.id}/replan`)
      .set(base.coordinator)
      .set('If-Match', read.headers.etag)
      .send({ dueAt: new Date(now + 90 * DAY).toISOString(), reason: replanReason });
    if (res.status < 300) break;
    if (res.status !== 412 || attempt === 5) throw new Error(`replan answered ${res.status} (attempt ${attempt}): ${res.text}`);
  }

  // Accepted public evidence (rows as the review activity writes them).
  const evidenceLink = `https://datos.example.org/participation/${suffix}`;
  const [request]: { id: string }[] = await db.query(
    `INSERT INTO evidence_request (milestone_id, cycle, status, due_at, link_expires_at, fulfilled_at) VALUES ($1, 1, 'fulfilled', $2, $2, now()) RETURNING id`,
    [completed.id, new Date(now + 30 * DAY)],
  );
  const [evidence]: { id: string }[] = await db.query(
    `INSERT INTO evidence (milestone_id, evidence_request_id, narrative, links, claimed_completion, is_public, submitted_by) VALUES ($1, $2, $3, $4, 'complete', true, 'upload-link') RETURNING id`,
    [completed.id, request.id, `Sent by ${personal[1]} (${personal[0]})`, [evidenceLink, 'javascript:alert(1)']],
  );
  await db.query(`INSERT INTO evidence_review (evidence_id, milestone_id, decision, completion, comments, reviewer) VALUES ($1, $2, 'accepted', 'complete', $3, $4)`, [evidence.id, completed.id, `Checked by ${personal[3]}`, personal[3]]);
  await db.query(`UPDATE milestone SET status = $2, completion = 'complete' WHERE id = $1`, [completed.id, MilestoneStatus.Completed]);

  // Both assessments, through the API.
  const imbToken = await http.post(`/jurisdictions/${base.jurisdictionId}/tokens`).set(system.adminAuth).send({ role: 'imb', label: `IMB ${suffix}` }).expect(201);
  await http
    .post(`/commitments/${base.commitmentId}/assessments`)
    .set(base.coordinator)
    .send({ completion: 'substantial', potentialForResults: 'substantial', narrative: 'The platform is live and two participation cycles ran.' })
    .expect(201);
  await http
    .post(`/commitments/${base.commitmentId}/assessments`)
    .set({ Authorization: `Bearer ${imbToken.body.token}` })
    .send({ completion: 'limited', didItOpenGovernment: 'marginal', narrative: 'Participation is open, but its results are not yet evaluated.' })
    .expect(201);

  // The follow-up committee: a government referent and a Dialogue Board member (people with addresses).
  await http.post(`/commitments/${base.commitmentId}/committee/members`).set(base.coordinator).send({ kind: 'government_referent', name: personal[1], organisation: 'Secretariat of Modernization and Proximity', email: personal[0] }).expect(201);
  const member = await http.post(`/jurisdictions/${base.jurisdictionId}/dialogue-board/members`).set(base.coordinator).send({ name: personal[3], organisation: 'Rosario Transparente (civil association)', email: personal[2], language: 'es' }).expect(201);
  await http.post(`/commitments/${base.commitmentId}/committee/members`).set(base.coordinator).send({ kind: 'dialogue_board_member', dialogueBoardMemberId: member.body.id }).expect(201);

  // A held check-in with approved minutes (as closing and approving leave it) and an open action item.
  const startsAt = new Date(now - 10 * DAY);
  const minutes = 'The Dialogue Board reviewed the participation platform and the evaluation plan.';
  const decision = 'Publish the evaluation method before the next check-in';
  const actionItemTitle = 'Draft the evaluation method';
  const agenda = [
    { kind: 'replannings', title: 'Replannings since the last check-in', durationMinutes: 20, commitmentId: base.commitmentId, links: [] },
    { kind: 'other', title: 'Other business', durationMinutes: 10, commitmentId: null, links: [] },
  ];
  const [checkIn]: { id: string }[] = await db.query(
    `INSERT INTO check_in (plan_id, scheduled_for, starts_at, duration_minutes, mode, address, online_url, status, agenda, minutes, attendance_count, organisations_present, decisions, closed_at, minutes_approved_at)
     VALUES ($1, $2, $2, 90, 'hybrid', 'City Hall, Room 2', 'https://meet.example.org/board', 'closed', $3, $4, 12, $5, $6, $7, $7) RETURNING id`,
    [base.planId, startsAt, JSON.stringify(agenda), minutes, JSON.stringify(['Rosario Transparente']), JSON.stringify([decision]), new Date(startsAt.getTime() + 2 * 3600_000)],
  );
  await db.query(`INSERT INTO action_item (check_in_id, plan_id, title, owner_name, owner_email, owner_language, due_at, status) VALUES ($1, $2, $3, $4, $5, 'es', $6, 'open')`, [
    checkIn.id,
    base.planId,
    actionItemTitle,
    personal[5],
    personal[4],
    new Date(now + 20 * DAY),
  ]);

  // Last month's digest, composed by the domain from this state and archived in Spanish and English.
  const timeZone = 'America/Argentina/Cordoba';
  const month = previousMonth(monthOf(new Date(now), timeZone));
  const completedAt = new Date(`${month}-10T15:00:00Z`);
  const content = composeDigest(
    {
      planId: base.planId,
      planTitle: plan.title,
      jurisdictionName: jurisdiction.name,
      commitments: [
        {
          id: base.commitmentId,
          title: 'Dynamic and evaluable citizen-participation tools',
          cancelled: false,
          milestones: [
            { id: completed.id, title: 'Participation platform launched', status: MilestoneStatus.Completed, dueAt: new Date(now + 30 * DAY), weight: null, verifiable: true, cancelled: false, completion: CompletionLevel.Complete, completedAt, evidenceLinks: [evidenceLink] },
            { id: replanned.id, title: 'Evaluation report published', status: MilestoneStatus.Open, dueAt: new Date(now + 90 * DAY), weight: null, verifiable: true, cancelled: false, completion: null, completedAt: null, evidenceLinks: [] },
          ],
          replannings: [],
          escalations: [],
        },
      ],
      checkIns: [],
      nextCheckInAt: null,
    },
    { month, timeZone },
  );
  for (const language of ['es', 'en']) {
    await db.query(`INSERT INTO digest_issue (plan_id, month, language, subject, html, text, content) VALUES ($1, $2, $3, $4, $5, $5, $6)`, [
      base.planId,
      month,
      language,
      `${plan.title}: ${month}`,
      '<p>Stored email HTML with its PER-RECIPIENT-MARKER link</p>',
      JSON.stringify(content),
    ]);
  }

  // A draft plan of the same jurisdiction.
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  const draftTitle = `Draft plan ${suffix}`;
  const draft = await http
    .post('/plans')
    .set(base.coordinator)
    .send({ jurisdictionId: base.jurisdictionId, title: draftTitle, periodStart: isoDate(new Date(now)), periodEnd: isoDate(new Date(now + 365 * DAY)), termEnd: isoDate(new Date(now + 400 * DAY)), status: 'draft', policy: QUIET_POLICY })
    .expect(201);

  return {
    ...base,
    slug: jurisdiction.slug,
    jurisdictionName: jurisdiction.name,
    planTitle: plan.title,
    secondCommitmentId: second.body.id,
    completedMilestoneId: completed.id,
    replannedMilestoneId: replanned.id,
    evidenceLink,
    replanReason,
    checkInId: checkIn.id,
    minutes,
    decision,
    actionItemTitle,
    month,
    draftPlanId: draft.body.id,
    draftTitle,
    personal: [...personal, base.agencyEmail, base.officeEmail, base.imbEmail],
  };
}
