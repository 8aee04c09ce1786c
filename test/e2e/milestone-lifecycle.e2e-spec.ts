/**
 * The milestone lifecycle beyond the first request, from outside: the follow-up committee returns
 * evidence and accepts the resubmission; a milestone nobody answers goes overdue, is escalated to
 * the IMB, then to the second level, and the IMB acknowledges, recommends and resolves.
 */
import { createMilestone, createPlanFixture, eventually, secondsPolicy, uploadTokenFrom } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('milestone lifecycle', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });

  afterAll(async () => {
    await system?.close();
  });

  it('returns evidence with comments, opens a new request cycle, and accepts the resubmission', async () => {
    const fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 30, reminderIntervalSeconds: 600, maxReminders: 0, resubmissionSeconds: 600 }) });
    const milestone = await createMilestone(system, fixture, 30, 'Open data inventory');
    const first = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail));
    const firstToken = uploadTokenFrom(first.parsed.text!);
    const submitted = await system.http().post(`/evidence-uploads/${firstToken}`).send({ narrative: 'A draft list', claimedCompletion: 'substantial' }).expect(201);

    const returned = await system
      .http()
      .post(`/evidence/${submitted.body.evidenceId}/review`)
      .set(fixture.coordinator)
      .send({ decision: 'return', comments: 'Please publish the inventory as open data, not a PDF.' })
      .expect(200);
    expect(returned.body.milestoneStatus).toBe('evidence_requested');
    const resubmitMail = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && m.parsed.subject === 'Evidence returned: Open data inventory');
    expect(resubmitMail.parsed.text).toContain('Please publish the inventory as open data, not a PDF.');
    const secondToken = uploadTokenFrom(resubmitMail.parsed.text!);
    expect(secondToken).not.toBe(firstToken);
    await system.http().post(`/evidence-uploads/${firstToken}`).send({ narrative: 'Old link', claimedCompletion: 'complete' }).expect(409);

    const resubmitted = await system.http().post(`/evidence-uploads/${secondToken}`).send({ narrative: 'Published at datos.example/inventario', links: ['https://datos.example/inventario'], claimedCompletion: 'complete' }).expect(201);
    await system.http().post(`/evidence/${resubmitted.body.evidenceId}/review`).set(fixture.coordinator).send({ decision: 'accept' }).expect(400);
    await system.http().post(`/evidence/${resubmitted.body.evidenceId}/review`).set(fixture.coordinator).send({ decision: 'accept', completion: 'complete' }).expect(200);
    // A retried call gets the same answer; a different decision on decided evidence is refused.
    await system.http().post(`/evidence/${resubmitted.body.evidenceId}/review`).set(fixture.coordinator).send({ decision: 'accept', completion: 'complete' }).expect(200);
    await system.http().post(`/evidence/${resubmitted.body.evidenceId}/review`).set(fixture.coordinator).send({ decision: 'accept', completion: 'limited' }).expect(409);

    const state = await system.temporal.workflow.getHandle(milestone.workflowId).result();
    expect(state.status).toBe('completed');
    expect(state.cycle).toBe(2);
    expect(state.history.map((h: { event: string }) => h.event)).toEqual(['opened', 'evidence_requested', 'evidence_received', 'evidence_returned', 'evidence_requested', 'evidence_received', 'evidence_accepted']);
    const stored = await system.http().get(`/milestones/${milestone.id}`).set(fixture.coordinator).expect(200);
    expect(stored.body).toMatchObject({ status: 'completed', completion: 'complete' });
  });

  it('escalates an unanswered milestone to the IMB, then to the second level, and lets the IMB resolve it', async () => {
    const fixture = await createPlanFixture(system, {
      language: 'es',
      policy: secondsPolicy({ evidenceRequestLeadSeconds: 2, reminderIntervalSeconds: 600, maxReminders: 0, escalationGraceSeconds: 2, secondLevelEscalationSeconds: 3 }),
    });
    const imb = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'imb', label: 'PoliLab UNR' }).expect(201);
    const imbAuth = { Authorization: `Bearer ${imb.body.token}` };
    const milestone = await createMilestone(system, fixture, 2, 'Indicadores del Plan Climático');

    await eventually(() => system.http().get(`/milestones/${milestone.id}`).set(fixture.coordinator), (r) => r.body.status === 'overdue');
    const overdueWorkflows = await eventually(
      () => system.http().get(`/plans/${fixture.planId}/workflows`).query({ status: 'overdue' }).set(fixture.coordinator),
      (r) => r.body.length === 1,
    );
    expect(overdueWorkflows.body[0]).toMatchObject({ workflowId: milestone.workflowId, milestoneStatus: 'overdue' });
    const level1 = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.imbEmail) && /nivel 1/.test(m.parsed.subject ?? ''));
    expect(level1.parsed.subject).toBe('Escalamiento nivel 1 al Mecanismo Independiente de Monitoreo: Indicadores del Plan Climático');
    expect(level1.parsed.text).toContain('vencido');
    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.officeEmail) && /nivel 1/.test(m.parsed.subject ?? ''));
    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.imbEmail) && /nivel 2/.test(m.parsed.subject ?? ''));

    const open = await eventually(
      () => system.http().get('/escalations').query({ status: 'open' }).set(imbAuth),
      (r) => r.body.items.some((e: { milestoneId: string; level: number }) => e.milestoneId === milestone.id && e.level === 2),
    );
    const escalation = open.body.items.find((e: { milestoneId: string; level: number }) => e.milestoneId === milestone.id && e.level === 2);
    expect(escalation).toMatchObject({ level: 2, reason: 'overdue', status: 'open' });
    // The workflow takes the level-2 escalation as its open one once its activity has returned.
    await eventually(
      () => system.temporal.workflow.getHandle(milestone.workflowId).query<{ escalation: { id: string } | null }>('getMilestoneState'),
      (s) => s.escalation?.id === escalation.id,
    );

    await system.http().post(`/escalations/${escalation.id}/acknowledge`).set(fixture.coordinator).expect(403);
    const acknowledged = await system.http().post(`/escalations/${escalation.id}/acknowledge`).set(imbAuth).expect(200);
    expect(acknowledged.body.status).toBe('acknowledged');
    // The same act again is a retry (the Update's id names the act and its content): the same answer, not a 409 (issue #8, defect 5).
    const again = await system.http().post(`/escalations/${escalation.id}/acknowledge`).set(imbAuth).expect(200);
    expect(again.body).toEqual(acknowledged.body);
    const recommended = await system.http().post(`/escalations/${escalation.id}/recommendation`).set(imbAuth).send({ text: 'Publicar los indicadores en el portal de datos abiertos antes de fin de mes.' }).expect(200);
    expect(recommended.body.recommendation).toContain('portal de datos abiertos');
    const resolved = await system.http().post(`/escalations/${escalation.id}/resolve`).set(imbAuth).send({ text: 'La Secretaría no entregó los indicadores: se cierra sin evidencia.' }).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'La Secretaría no entregó los indicadores: se cierra sin evidencia.', milestoneStatus: 'closed_without_evidence' });

    // The milestone is closed without evidence: "no evidence available", not 0 %.
    const state = await system.temporal.workflow.getHandle(milestone.workflowId).result();
    expect(state.status).toBe('closed_without_evidence');
    expect(state.history.map((h: { event: string }) => h.event)).toEqual(['opened', 'evidence_requested', 'overdue', 'escalated', 'escalated', 'escalation_acknowledged', 'escalation_recommended', 'escalation_resolved', 'closed_without_evidence']);
    const closed = await system.http().get(`/milestones/${milestone.id}`).set(fixture.coordinator).expect(200);
    expect(closed.body).toMatchObject({ status: 'closed_without_evidence', completion: 'no_evidence_available' });
    const commitment = await system.temporal.workflow.getHandle(`commitment-${fixture.commitmentId}`).result();
    expect(commitment).toMatchObject({ status: 'closed', milestones: [{ milestoneId: milestone.id, state: 'closed', outcome: 'closed_without_evidence' }] });
    // Nothing is asked any more: the upload link is refused, replanning and cancelling too.
    const token = uploadTokenFrom((await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail))).parsed.text!);
    const late = await system.http().post(`/evidence-uploads/${token}`).send({ narrative: 'Tarde', claimedCompletion: 'complete' }).expect(409);
    expect(late.body.detail).toBe('This evidence request was closed: the milestone no longer waits for evidence.');
    await system.http().post(`/milestones/${milestone.id}/replan`).set(fixture.coordinator).set('If-Match', closed.headers.etag).send({ dueAt: new Date(Date.now() + 3600_000).toISOString(), reason: 'x' }).expect(409);
    await system.http().post(`/milestones/${milestone.id}/cancel`).set(fixture.coordinator).set('If-Match', closed.headers.etag).send({ reason: 'x' }).expect(409);

    const audit = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).query({ entityId: escalation.id }).set(imbAuth).expect(200);
    expect(audit.body.items.map((e: { action: string; actorRole: string; actor: string }) => [e.action, e.actorRole, e.actor])).toEqual([
      ['escalation.resolve', 'imb', 'PoliLab UNR'],
      ['escalation.recommend', 'imb', 'PoliLab UNR'],
      ['escalation.acknowledge', 'imb', 'PoliLab UNR'],
    ]);
    const closing = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).query({ entityId: milestone.id }).set(imbAuth).expect(200);
    expect(closing.body.items[0]).toMatchObject({ action: 'milestone.closed_without_evidence', actorRole: 'imb', actor: 'PoliLab UNR' });
    const all = await system.http().get('/escalations').set(fixture.coordinator).expect(200);
    const mine = all.body.items.filter((e: { milestoneId: string }) => e.milestoneId === milestone.id);
    expect(mine.map((e: { level: number; status: string }) => [e.level, e.status]).sort()).toEqual([
      [1, 'resolved'],
      [2, 'resolved'],
    ]);
  });

  it('closes the open escalation when the milestone is cancelled', async () => {
    const fixture = await createPlanFixture(system, { policy: secondsPolicy({ evidenceRequestLeadSeconds: 2, reminderIntervalSeconds: 600, maxReminders: 0, escalationGraceSeconds: 1, secondLevelEscalationSeconds: 3600 }) });
    const milestone = await createMilestone(system, fixture, 2, 'Cancelled while escalated');
    const handle = system.temporal.workflow.getHandle(milestone.workflowId);
    const escalated = await eventually(() => handle.query<{ escalation: { id: string } | null }>('getMilestoneState'), (s) => s.escalation !== null && s.escalation !== undefined);
    const current = await system.http().get(`/milestones/${milestone.id}`).set(fixture.coordinator).expect(200);
    await system.http().post(`/milestones/${milestone.id}/cancel`).set(fixture.coordinator).set('If-Match', current.headers.etag).send({ reason: 'Dropped by the Dialogue Board' }).expect(200);
    await handle.result();
    const escalations = await system.http().get('/escalations').set(fixture.coordinator).expect(200);
    expect(escalations.body.items.find((e: { id: string }) => e.id === escalated.escalation!.id)).toMatchObject({ status: 'resolved', resolution: 'The milestone was cancelled' });
    const imb = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'imb', label: 'PoliLab UNR' }).expect(201);
    await system.http().post(`/escalations/${escalated.escalation!.id}/acknowledge`).set({ Authorization: `Bearer ${imb.body.token}` }).expect(409);
  });
});
