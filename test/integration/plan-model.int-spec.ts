/**
 * The plan model's rules and conventions through the API: OGP Local's rules refused with a 4xx naming
 * the field, replanning history, optimistic concurrency (ETag/If-Match), idempotent POSTs, the audit
 * trail, progress roll-up, assessments and tokens.
 */
import { DataSource } from 'typeorm';
import { OutboxMessageEntity, OutboxStatus } from '../../libs/persistence/src';
import { createPlanFixture, PlanFixture, workflowStarted } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('plan model', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
  });

  afterAll(async () => {
    await system?.close();
  });

  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();

  async function milestone(fixture: PlanFixture, body: Record<string, unknown> = {}) {
    const response = await system
      .http()
      .post(`/commitments/${fixture.commitmentId}/milestones`)
      .set(fixture.coordinator)
      .send({ title: 'Milestone', startAt: day(0), dueAt: day(30), responsibleAgencyId: fixture.agencyId, ...body })
      .expect(201);
    return response.body as { id: string; version: number; dueAt: string; workflowId: string; workflow: { effect: string } };
  }

  async function commitment(fixture: PlanFixture, title = 'Another commitment') {
    return system.http().post(`/plans/${fixture.planId}/commitments`).set(fixture.coordinator).send({ title, leadAgencyId: fixture.agencyId });
  }

  describe('OGP Local rules', () => {
    it('allows at most five active commitments per plan, and counts only active ones', async () => {
      const fixture = await createPlanFixture(system); // one commitment already
      for (let i = 2; i <= 5; i++) await (await commitment(fixture, `Commitment ${i}`)).body;
      const sixth = await commitment(fixture, 'Commitment 6');
      expect(sixth.status).toBe(422);
      expect(fields(sixth.body)).toEqual(['status']);
      expect(sixth.body.detail).toMatch(/5|five/);

      const current = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
      await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', current.headers.etag).send({ status: 'cancelled' }).expect(200);
      await (await commitment(fixture, 'Commitment 6')).body;
      const list = await system.http().get(`/plans/${fixture.planId}/commitments`).query({ status: 'active' }).set(fixture.coordinator).expect(200);
      expect(list.body.total).toBe(5);

      const cancelled = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
      const reactivate = await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', cancelled.headers.etag).send({ status: 'active' });
      expect(reactivate.status).toBe(422);
    });

    it('accepts a plan ending later than two months before the term with a warning, and refuses one outlasting the term', async () => {
      const fixture = await createPlanFixture(system);
      const base = { jurisdictionId: fixture.jurisdictionId, title: 'Plan', periodStart: '2026-01-01', termEnd: '2027-12-10' };
      const late = await system.http().post('/plans').set(fixture.coordinator).send({ ...base, periodEnd: '2027-11-30' }).expect(201);
      expect(late.body.warnings).toEqual([{ field: 'periodEnd', message: expect.stringContaining('2027-10-10') }]);
      const onTime = await system.http().post('/plans').set(fixture.coordinator).send({ ...base, periodEnd: '2027-10-10' }).expect(201);
      expect(onTime.body.warnings).toEqual([]);
      expect(onTime.body.status).toBe('draft');
      const tooLong = await system.http().post('/plans').set(fixture.coordinator).send({ ...base, periodEnd: '2027-12-11' }).expect(422);
      expect(fields(tooLong.body)).toEqual(['periodEnd']);
    });

    it("refuses milestone dates outside the plan's period", async () => {
      const fixture = await createPlanFixture(system);
      const early = await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Early', startAt: '2020-01-01', dueAt: day(10), responsibleAgencyId: fixture.agencyId }).expect(422);
      expect(fields(early.body)).toEqual(['startAt']);
      const backwards = await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'Backwards', startAt: day(10), dueAt: day(5), responsibleAgencyId: fixture.agencyId }).expect(422);
      expect(fields(backwards.body)).toEqual(['dueAt']);
    });

    it('keeps weights summing to 1 or all unset', async () => {
      const fixture = await createPlanFixture(system);
      const a = await milestone(fixture, { title: 'A' });
      const b = await milestone(fixture, { title: 'B', dueAt: day(40) });
      const url = `/commitments/${fixture.commitmentId}/milestone-weights`;
      const etag = async () => (await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200)).headers.etag as string;
      const put = async (weights: object | null) => system.http().put(url).set(fixture.coordinator).set('If-Match', await etag()).send({ weights });
      const bad = await put([{ milestoneId: a.id, weight: 0.5 }, { milestoneId: b.id, weight: 0.3 }]);
      expect(bad.status).toBe(422);
      expect(fields(bad.body)).toEqual(['weights']);
      expect(bad.body.detail).toContain('0.8');
      const partial = await put([{ milestoneId: a.id, weight: 1 }]);
      expect(partial.status).toBe(422);
      expect(partial.body.detail).toContain('missing');
      const before = await etag();
      const ok = await put([{ milestoneId: a.id, weight: 0.75 }, { milestoneId: b.id, weight: 0.25 }]);
      expect(ok.status).toBe(200);
      expect(ok.body.map((m: { weight: number }) => m.weight)).toEqual([0.75, 0.25]);
      // The weights belong to the commitment: setting them moves its version on, so a stale view is refused.
      expect(await etag()).not.toBe(before);
      const stale = await system.http().put(url).set(fixture.coordinator).set('If-Match', before).send({ weights: null }).expect(412);
      expect(fields(stale.body)).toEqual(['If-Match']);
      const missing = await system.http().put(url).set(fixture.coordinator).send({ weights: null }).expect(428);
      expect(fields(missing.body)).toEqual(['If-Match']);
      const unchanged = await system.http().get(`/plans/${fixture.planId}/milestones?commitmentId=${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
      expect(unchanged.body.items.map((m: { weight: number }) => m.weight)).toEqual([0.75, 0.25]);

      const c = await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).send({ title: 'C', startAt: day(0), dueAt: day(50), responsibleAgencyId: fixture.agencyId }).expect(201);
      expect(c.body.weight).toBe(0);
      expect(c.body.warnings).toEqual([expect.objectContaining({ field: 'weight' })]);
      const cleared = await put(null);
      expect(cleared.status).toBe(200);
      expect(cleared.body.map((m: { weight: number | null }) => m.weight)).toEqual([null, null, null]);
    });

    it('makes a closed plan read-only', async () => {
      const fixture = await createPlanFixture(system);
      const plan = await system.http().get(`/plans/${fixture.planId}`).set(fixture.coordinator).expect(200);
      const closed = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', plan.headers.etag).send({ status: 'closed' }).expect(200);
      expect(closed.body.status).toBe('closed');
      const refused = await commitment(fixture);
      expect(refused.status).toBe(409);
      expect(fields(refused.body)).toEqual(['status']);
      const reopen = await system.http().patch(`/plans/${fixture.planId}`).set(fixture.coordinator).set('If-Match', closed.headers.etag).send({ status: 'active' });
      expect(reopen.status).toBe(409);
    });
  });

  describe('policy overrides', () => {
    it("starts a commitment's milestone workflows with the plan's policy changed by the commitment's overrides", async () => {
      const fixture = await createPlanFixture(system);
      const read = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
      const patched = await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', read.headers.etag).send({ policy: { evidenceRequestLeadSeconds: 7200 } }).expect(200);
      expect(patched.body.policy).toEqual({ evidenceRequestLeadSeconds: 7200 });
      const bad = await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', patched.headers.etag).send({ policy: { maxReminders: -1 } }).expect(400);
      expect(fields(bad.body)).toEqual(['policy.maxReminders']);

      // No worker runs here: the commitment's workflow holds the milestone until one comes.
      const created = await milestone(fixture);
      await system.startWorker();
      try {
        await workflowStarted(system, created.workflowId);
      } finally {
        await system.stopWorker();
      }
      const history = await system.temporal.workflow.getHandle(`milestone-${created.id}`).fetchHistory();
      const payload = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
      const input = JSON.parse(Buffer.from(payload.data!).toString('utf8'));
      expect(input.policy).toMatchObject({ evidenceRequestLeadSeconds: 7200, reminderIntervalSeconds: 2, maxReminders: 1 });
    });
  });

  describe('replanning', () => {
    it('changes the due date only with a reason, keeping a public history of each change', async () => {
      const fixture = await createPlanFixture(system);
      const created = await milestone(fixture);
      const first = await system
        .http()
        .post(`/milestones/${created.id}/replan`)
        .set(fixture.coordinator)
        .set('If-Match', `"${created.version}"`)
        .send({ dueAt: day(60), reason: 'The procurement was delayed' })
        .expect(200);
      expect(first.body.dueAt).toBe(day(60).slice(0, 16) + first.body.dueAt.slice(16));
      expect(first.body.originalDueAt).toBe(created.dueAt);
      expect(first.body.workflow.effect).toBe('signalled');
      await system.http().post(`/milestones/${created.id}/replan`).set(fixture.coordinator).set('If-Match', first.headers.etag).send({ dueAt: day(90), reason: 'Second delay' }).expect(200);
      const noReason = await system.http().post(`/milestones/${created.id}/replan`).set(fixture.coordinator).set('If-Match', '"99"').send({ dueAt: day(90) }).expect(400);
      expect(fields(noReason.body)).toEqual(['reason']);
      const patchDue = await system.http().patch(`/milestones/${created.id}`).set(fixture.coordinator).set('If-Match', '"3"').send({ dueAt: day(10) }).expect(400);
      expect(fields(patchDue.body)).toEqual(['dueAt']);

      const history = await system.http().get(`/milestones/${created.id}/replanning`).set(fixture.coordinator).expect(200);
      expect(history.body.map((h: { reason: string }) => h.reason)).toEqual(['The procurement was delayed', 'Second delay']);
      expect(history.body[0]).toMatchObject({ previousDueAt: created.dueAt, actor: expect.stringContaining('Coordinator') });
      const published = await system.http().get(`/public/plans/${fixture.planId}`).expect(200);
      const publicMilestone = published.body.commitments[0].milestones.find((m: { id: string }) => m.id === created.id);
      expect(publicMilestone.replanning).toHaveLength(2);
      expect(publicMilestone.originalDueAt).toBe(created.dueAt);
    });
  });

  describe('ETag and If-Match', () => {
    it('gives one of two updates made from the same ETag a success and the other 412', async () => {
      const fixture = await createPlanFixture(system);
      const read = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
      expect(read.headers.etag).toBe(`"${read.body.version}"`);
      const [a, b] = await Promise.all([
        system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', read.headers.etag).send({ title: 'Edited by coordinator A' }),
        system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).set('If-Match', read.headers.etag).send({ title: 'Edited by coordinator B' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 412]);
      const winner = a.status === 200 ? a : b;
      expect(winner.headers.etag).toBe(`"${read.body.version + 1}"`);
      const after = await system.http().get(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).expect(200);
      expect(after.body.title).toBe(winner.body.title);
    });

    it('requires If-Match on updates (428)', async () => {
      const fixture = await createPlanFixture(system);
      const response = await system.http().patch(`/commitments/${fixture.commitmentId}`).set(fixture.coordinator).send({ title: 'No precondition' }).expect(428);
      expect(fields(response.body)).toEqual(['If-Match']);
    });
  });

  describe('Idempotency-Key', () => {
    it('creates one resource for two POSTs with the same key, replaying the first response', async () => {
      const fixture = await createPlanFixture(system);
      const send = () =>
        system.http().post(`/jurisdictions/${fixture.jurisdictionId}/agencies`).set(fixture.coordinator).set('Idempotency-Key', 'agency-create-1').send({ name: 'Secretariat of Environment and Public Space', contacts: [{ email: 'env@test.example' }], language: 'es' });
      const [first, second] = await Promise.all([send(), send()]);
      const statuses = [first.status, second.status].sort();
      expect(statuses[0]).toBe(201);
      expect([201, 409]).toContain(statuses[1]); // 409 while the first is still running
      const again = await send().expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe((first.status === 201 ? first : second).body.id);
      const agencies = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/agencies`).set(fixture.coordinator).expect(200);
      expect(agencies.body.filter((a: { name: string }) => a.name === 'Secretariat of Environment and Public Space')).toHaveLength(1);

      const reused = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/agencies`).set(fixture.coordinator).set('Idempotency-Key', 'agency-create-1').send({ name: 'Something else', contacts: [{ email: 'x@test.example' }], language: 'es' }).expect(422);
      expect(fields(reused.body)).toEqual(['Idempotency-Key']);
    });

    it('creates one milestone and starts one workflow for a retried POST', async () => {
      const fixture = await createPlanFixture(system);
      const body = { title: 'Retried', startAt: day(0), dueAt: day(20), responsibleAgencyId: fixture.agencyId };
      const first = await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).set('Idempotency-Key', 'm-1').send(body).expect(201);
      const second = await system.http().post(`/commitments/${fixture.commitmentId}/milestones`).set(fixture.coordinator).set('Idempotency-Key', 'm-1').send(body).expect(201);
      expect(second.body.id).toBe(first.body.id);
      const list = await system.http().get(`/plans/${fixture.planId}/milestones`).set(fixture.coordinator).expect(200);
      expect(list.body.total).toBe(1);
    });
  });

  describe('audit trail', () => {
    it('records every write with actor, action, entity, before and after, readable by coordinators and the IMB', async () => {
      const fixture = await createPlanFixture(system);
      const created = await milestone(fixture);
      await system.http().post(`/milestones/${created.id}/replan`).set(fixture.coordinator).set('If-Match', `"${created.version}"`).send({ dueAt: day(45), reason: 'Delay' }).expect(200);
      const imbToken = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'imb', label: 'PoliLab UNR' }).expect(201);
      const events = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).query({ entityId: created.id }).set({ Authorization: `Bearer ${imbToken.body.token}` }).expect(200);
      expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['milestone.replanned', 'milestone.created']);
      const replanned = events.body.items[0];
      expect(replanned).toMatchObject({ actorRole: 'coordinator', entityType: 'milestone' });
      expect(replanned.before.dueAt).toBe(created.dueAt);
      expect(replanned.after.dueAt).not.toBe(created.dueAt);
      const all = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).set(fixture.coordinator).expect(200);
      expect(all.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['jurisdiction.created', 'api_token.created', 'agency.created', 'action_plan.created', 'commitment.created']));
      expect(JSON.stringify(all.body)).not.toContain('tokenHash');
    });

    it("records a coordinator's decision to resend an email, with the status it had", async () => {
      const fixture = await createPlanFixture(system);
      const failed = await system.api.get(DataSource).getRepository(OutboxMessageEntity).save({
        idempotencyKey: `evidence-request:resend-audit-${fixture.planId}:1`,
        toAddress: fixture.agencyEmail,
        subject: 'Evidence request',
        textBody: 'Please upload the evidence.',
        htmlBody: '<p>Please upload the evidence.</p>',
        status: OutboxStatus.Failed,
        attempts: 1,
        lastError: '550 mailbox unavailable',
        messageId: `<resend-audit-${fixture.planId}@ogp-monitor>`,
        jurisdictionId: fixture.jurisdictionId,
      });
      const resent = await system.http().post(`/outbox/${failed.id}/resend`).set(fixture.coordinator).expect(200);
      expect(resent.body.status).toBe('sent');
      const events = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).query({ entityId: failed.id }).set(fixture.coordinator).expect(200);
      expect(events.body.items).toEqual([
        expect.objectContaining({ action: 'outbox_message.resent', entityType: 'outbox_message', actorRole: 'coordinator', before: expect.objectContaining({ status: 'failed', lastError: '550 mailbox unavailable' }), after: { status: 'pending' } }),
      ]);
      // Refused (already sent): nothing more is recorded.
      await system.http().post(`/outbox/${failed.id}/resend`).set(fixture.coordinator).expect(409);
      const again = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).query({ entityId: failed.id }).set(fixture.coordinator).expect(200);
      expect(again.body.total).toBe(1);
    });
  });

  describe('progress and assessments', () => {
    it('rolls up progress and keeps the government and IMB assessments apart', async () => {
      const fixture = await createPlanFixture(system);
      await milestone(fixture);
      const progress = await system.http().get(`/plans/${fixture.planId}/progress`).set(fixture.coordinator).expect(200);
      expect(progress.body).toMatchObject({ progress: null, completion: 'no_evidence_available' });
      expect(progress.body.commitments[0]).toMatchObject({ progress: null, completion: 'no_evidence_available', milestonesWithoutEvidence: 1 });

      await system.http().post(`/commitments/${fixture.commitmentId}/assessments`).set(fixture.coordinator).send({ completion: 'substantial', narrative: 'Most tools were evaluated.' }).expect(201);
      const imbToken = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'imb', label: 'PoliLab UNR' }).expect(201);
      await system
        .http()
        .post(`/commitments/${fixture.commitmentId}/assessments`)
        .set({ Authorization: `Bearer ${imbToken.body.token}` })
        .send({ completion: 'limited', potentialForResults: 'modest', didItOpenGovernment: 'marginal', narrative: 'Evidence covers one tool only.' })
        .expect(201);
      const assessments = await system.http().get(`/commitments/${fixture.commitmentId}/assessments`).set(fixture.coordinator).expect(200);
      expect(assessments.body.government).toMatchObject({ assessor: 'government', completion: 'substantial' });
      expect(assessments.body.imb).toMatchObject({ assessor: 'imb', completion: 'limited', potentialForResults: 'modest', didItOpenGovernment: 'marginal' });
    });

    it("files the administrator's assessment under the record it names, never the government's by default", async () => {
      const fixture = await createPlanFixture(system);
      const url = `/commitments/${fixture.commitmentId}/assessments`;
      const unnamed = await system.http().post(url).set(system.adminAuth).send({ completion: 'limited', narrative: 'Entered for the IMB from its signed report.' }).expect(422);
      expect(fields(unnamed.body)).toEqual(['assessor']);
      await system.http().post(url).set(system.adminAuth).send({ completion: 'limited', narrative: 'Entered for the IMB from its signed report.', assessor: 'imb' }).expect(201);
      // A coordinator writes the government's record only.
      const crossed = await system.http().post(url).set(fixture.coordinator).send({ completion: 'complete', narrative: 'Done.', assessor: 'imb' }).expect(422);
      expect(fields(crossed.body)).toEqual(['assessor']);
      const assessments = await system.http().get(url).set(fixture.coordinator).expect(200);
      expect(assessments.body.government).toBeNull();
      expect(assessments.body.imb).toMatchObject({ assessor: 'imb', completion: 'limited' });
      expect(assessments.body.history).toHaveLength(1);
    });
  });

  describe('API tokens', () => {
    it('shows a token once, stores it hashed, and stops accepting it once revoked', async () => {
      const fixture = await createPlanFixture(system);
      const created = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'agency', label: 'Agency uploader', agencyId: fixture.agencyId }).expect(201);
      expect(created.body.token).toMatch(/^ogp_/);
      const list = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(created.body.token);
      const agency = { Authorization: `Bearer ${created.body.token}` };
      await system.http().get('/milestones').set(agency).expect(200);
      await system.http().delete(`/tokens/${created.body.id}`).set(fixture.coordinator).expect(200);
      await system.http().get('/milestones').set(agency).expect(401);
    });

    it('refuses an agency token without an agency, naming agencyId', async () => {
      const fixture = await createPlanFixture(system);
      const response = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'agency', label: 'Nobody' }).expect(400);
      expect(fields(response.body)).toEqual(['agencyId']);
    });
  });
});
