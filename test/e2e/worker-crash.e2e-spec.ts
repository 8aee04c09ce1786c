/**
 * The worker process is killed after the SMTP server has the evidence request but before the worker
 * hears back and records it. A new worker picks the workflow up; exactly one copy of the email has
 * arrived, the outbox marks it unconfirmed for the coordinator, and the milestone goes on.
 * Runs the real worker binary (dist/, built by `npm test`) as a child process.
 */
import { createPlanFixture, eventually, secondsPolicy } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';
import { WorkerProcess } from '../support/worker-process';

describe('worker killed between sending an email and recording it', () => {
  let system: TestSystem;
  let worker: WorkerProcess;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    worker = new WorkerProcess(system.config);
  });

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await system?.close();
  });

  it('delivers exactly one copy, marks it unconfirmed, and the milestone workflow carries on', async () => {
    const fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 600, reminderIntervalSeconds: 3600, maxReminders: 0, escalationGraceSeconds: 3600 }) });
    let killed = false;
    system.mail.beforeAccept = async (mail) => {
      if (!killed && mail.envelopeTo.includes(fixture.agencyEmail)) {
        killed = true;
        await worker.stop('SIGKILL'); // the message is stored here; the worker never hears "250 OK"
      }
    };
    await worker.start();
    const created = await system
      .http()
      .post(`/commitments/${fixture.commitmentId}/milestones`)
      .set(fixture.coordinator)
      .send({ title: 'Participation tools evaluated', startAt: new Date().toISOString(), dueAt: new Date(Date.now() + 600_000).toISOString(), responsibleAgencyId: fixture.agencyId })
      .expect(201);

    await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail), 30_000);
    await eventually(async () => killed, (k) => k, 30_000);
    system.mail.beforeAccept = undefined;
    await worker.start();

    // The server retries the send activity on the new worker once the dead one misses its heartbeat.
    const outbox = await eventually(
      () => system.http().get(`/jurisdictions/${fixture.jurisdictionId}/outbox`).query({ status: 'unconfirmed' }).set(fixture.coordinator),
      (r) => r.body.total === 1,
      60_000,
      500,
    );
    expect(outbox.body.items[0]).toMatchObject({ to: fixture.agencyEmail, subject: 'Evidence requested: Participation tools evaluated', status: 'unconfirmed' });

    const state = await eventually(
      () => system.temporal.workflow.getHandle(created.body.workflowId).query<{ status: string; history: { event: string }[] }>('getMilestoneState'),
      (s) => s.history.some((h) => h.event === 'evidence_requested'),
      30_000,
    );
    expect(state.status).toBe('evidence_requested');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(system.mail.to(fixture.agencyEmail)).toHaveLength(1);
    await system.temporal.workflow.getHandle(created.body.workflowId).terminate('test finished');
  }, 120_000);
});
