/**
 * The foundation's vertical slice, through public interfaces only: HTTP in, mail out of a real SMTP
 * server, and the workflow as the Temporal server describes it.
 */
import { createMilestone, createPlanFixture, eventually, secondsPolicy, uploadTokenFrom } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

describe('milestone vertical slice', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });

  afterAll(async () => {
    await system?.close();
  });

  it('requests evidence by email, takes it through the signed link and moves the milestone to review', async () => {
    const fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 30, reminderIntervalSeconds: 60 }) });
    const created = await createMilestone(system, fixture, 31, 'Participation tools evaluation framework agreed', { expectedOutput: 'Evaluation report published on the open data portal' });

    expect(created.workflow).toEqual({ workflowId: `milestone-${created.id}`, commitmentWorkflowId: `commitment-${fixture.commitmentId}`, effect: 'following' });
    expect(created.status).toBe('not_started');
    // The commitment's workflow started the milestone's workflow as its child.
    const description = await system.temporal.workflow.getHandle(created.workflow.workflowId).describe();
    expect(description.type).toBe('milestoneWorkflow');
    expect(description.status.name).toBe('RUNNING');
    expect(description.taskQueue).toBe(system.config.temporal.taskQueue);
    expect(description.parentExecution?.workflowId).toBe(`commitment-${fixture.commitmentId}`);

    const requestMail = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail));
    expect(requestMail.parsed.subject).toBe('Evidence requested: Participation tools evaluation framework agreed');
    expect(requestMail.parsed.text).toContain('Expected output: Evaluation report published on the open data portal');
    expect(requestMail.parsed.text).toMatch(/Due: \d{1,2} \w+ \d{4}/);
    expect(requestMail.parsed.html).toContain('/evidence-uploads/');
    const token = uploadTokenFrom(requestMail.parsed.text!);

    const requested = await eventually(
      () => system.http().get(`/milestones/${created.id}`).set(fixture.coordinator),
      (r) => r.body.status === 'evidence_requested',
    );
    expect(requested.body.status).toBe('evidence_requested');

    const view = await system.http().get(`/evidence-uploads/${token}`).expect(200);
    expect(view.body).toMatchObject({ status: 'open', milestoneTitle: 'Participation tools evaluation framework agreed', agencyName: 'Secretariat of Modernization and Proximity' });

    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await system.http().post(`/evidence-uploads/${tampered}`).send({ narrative: 'x', claimedCompletion: 'complete' }).expect(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');

    const receipt = await system
      .http()
      .post(`/evidence-uploads/${token}`)
      .send({ narrative: 'The framework was agreed at the Dialogue Board meeting and published.', links: ['https://datos.example/framework.pdf'], claimedCompletion: 'complete' })
      .expect(201);
    expect(receipt.body).toMatchObject({ milestoneId: created.id, milestoneStatus: 'under_review' });

    const milestone = await system.http().get(`/milestones/${created.id}`).set(fixture.coordinator).expect(200);
    expect(milestone.body.status).toBe('under_review');

    const audit = await system.http().get(`/jurisdictions/${fixture.jurisdictionId}/audit-events`).query({ entityId: receipt.body.evidenceId }).set(fixture.coordinator).expect(200);
    expect(audit.body.items.map((e: { action: string; actor: string; actorRole: string }) => [e.action, e.actor, e.actorRole])).toEqual([['evidence.received', 'upload-link', 'agency']]);

    const reviewed = await system.http().post(`/evidence/${receipt.body.evidenceId}/review`).set(fixture.coordinator).send({ decision: 'accept', completion: 'complete' }).expect(200);
    expect(reviewed.body.milestoneStatus).toBe('completed');
    const handle = system.temporal.workflow.getHandle(created.workflow.workflowId);
    const finalState = await handle.result();
    expect(finalState.status).toBe('completed');
    expect(finalState.history.map((h: { event: string }) => h.event)).toEqual(['opened', 'evidence_requested', 'evidence_received', 'evidence_accepted']);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const completed = await system.http().get(`/milestones/${created.id}`).set(fixture.coordinator).expect(200);
    expect(completed.body).toMatchObject({ status: 'completed', completion: 'complete' });

    const again = await system.http().post(`/evidence-uploads/${token}`).send({ narrative: 'Second copy', claimedCompletion: 'complete' }).expect(409);
    expect(again.body).toMatchObject({ status: 409, title: 'Conflict' });
    expect(system.mail.to(fixture.agencyEmail)).toHaveLength(1);
  });

  it('reminds the agency and marks the milestone overdue when no evidence arrives', async () => {
    const fixture = await createPlanFixture(system, { language: 'es', policy: secondsPolicy({ evidenceRequestLeadSeconds: 7, reminderIntervalSeconds: 2, maxReminders: 1, escalationGraceSeconds: 3600 }) });
    const created = await createMilestone(system, fixture, 8, 'Datos abiertos del Plan de Acción Climática publicados');
    const handle = system.temporal.workflow.getHandle(created.workflow.workflowId);

    const request = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail));
    expect(request.parsed.subject).toBe('Solicitud de evidencia: Datos abiertos del Plan de Acción Climática publicados');
    expect(request.parsed.text).toContain('Fecha límite:');

    const reminder = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && /^Recordatorio 1/.test(m.parsed.subject ?? ''));
    expect(reminder.parsed.text).toContain('Todavía no recibimos la evidencia');
    expect(uploadTokenFrom(reminder.parsed.text!)).toBe(uploadTokenFrom(request.parsed.text!));

    const overdue = await eventually(
      () => system.http().get(`/milestones/${created.id}`).set(fixture.coordinator),
      (r) => r.body.status === 'overdue',
    );
    expect(overdue.body.status).toBe('overdue');

    const state = await eventually(
      () => handle.query<{ status: string; remindersSent: number; history: { event: string }[] }>('getMilestoneState'),
      (s) => s.status === 'overdue',
    );
    expect(state.remindersSent).toBe(1);
    expect(state.history.map((h) => h.event)).toEqual(['opened', 'evidence_requested', 'reminder_sent', 'overdue']);
    expect((await handle.describe()).status.name).toBe('RUNNING'); // late evidence is still accepted

    // maxReminders is 1: no further mail however long it waits beyond this point.
    expect(system.mail.to(fixture.agencyEmail).map((m) => m.parsed.subject)).toEqual([
      'Solicitud de evidencia: Datos abiertos del Plan de Acción Climática publicados',
      'Recordatorio 1: evidencia pendiente para Datos abiertos del Plan de Acción Climática publicados',
    ]);
    await handle.terminate('test finished');
  });
});
