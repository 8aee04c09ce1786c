/**
 * Updates the API sends a milestone workflow, when the answer is late or the request is sent again
 * (issue #8): evidence whose Update outlasts the API's wait is kept and delivered later, never half
 * (defect 3); the IMB's acts carry a stable Update id, so a retried request gets the first answer
 * (defect 5). A real worker runs; the API waits TEMPORAL_UPDATE_TIMEOUT_SECONDS = 2 for an answer.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliverEvidence, DeliverEvidenceCommand } from '../../libs/application/src';
import { EvidenceEntity, EvidenceFileEntity, EvidenceRequestEntity, EvidenceRequestStatus, MilestoneEntity } from '../../libs/persistence/src';
import { LocalDiskEvidenceStorage } from '../../libs/storage/src';
import { createMilestone, createPlanFixture, eventually, filesUnder, PlanFixture, secondsPolicy, uploadTokenFrom } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

describe('Updates whose answer is late or asked for twice', () => {
  let system: TestSystem;
  let db: DataSource;

  beforeAll(async () => {
    system = await startTestSystem({ config: { temporal: { address: process.env.TEST_TEMPORAL_ADDRESS!, namespace: 'default', taskQueue: `late-${randomUUID()}`, signalTimeoutSeconds: 10, updateTimeoutSeconds: 2 } } });
    db = system.api.get(DataSource);
  });

  afterAll(async () => {
    await system?.close();
  });

  /** What housekeeping does for each evidence whose delivery is pending. */
  const deliverAgain = (evidenceId: string) => system.api.get(DeliverEvidence).execute(DeliverEvidenceCommand.create({ evidenceId }));
  const milestoneStatus = async (id: string) => (await db.getRepository(MilestoneEntity).findOneByOrFail({ id })).status;

  describe('evidence (defect 3)', () => {
    let fixture: PlanFixture;

    beforeAll(async () => {
      fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 59, reminderIntervalSeconds: 600 }) });
    });

    it('keeps evidence whose Update outlasts the wait (202, delivery pending); the workflow takes it once a worker runs', async () => {
      const milestone = await createMilestone(system, fixture, 60, 'Late answer');
      const mail = await system.mail.waitFor((m) => (m.parsed.subject ?? '').includes('Late answer'));
      const token = uploadTokenFrom(mail.parsed.text!);
      await system.http().get(`/evidence-uploads/${token}`).expect(200); // the request is stored

      await system.stopWorker(); // nobody takes the Update within the API's 2 s
      const upload = await system.http().post(`/evidence-uploads/${token}`).field('narrative', 'Sent while no worker ran').field('claimedCompletion', 'complete').attach('files', PDF, 'report.pdf');
      expect({ status: upload.status, delivery: upload.body.delivery }).toEqual({ status: 202, delivery: 'pending' });
      expect(upload.body).toMatchObject({ milestoneId: milestone.id, milestoneStatus: 'evidence_requested', files: [expect.objectContaining({ originalName: 'report.pdf' })] });
      const kept = await db.getRepository(EvidenceEntity).findOneByOrFail({ id: upload.body.evidenceId });
      expect(kept.deliveredAt).toBeNull();
      expect(await db.getRepository(EvidenceFileEntity).countBy({ evidenceId: kept.id })).toBe(1);

      // A worker starts: the Update the API gave up waiting for may be taken now; housekeeping sends the same one again.
      // The fresh worker may still be replaying when the first re-send waits its 2 s: that one is
      // pending again, as a housekeeping run would find it, and the next run delivers it.
      await system.startWorker();
      await eventually(() => deliverAgain(kept.id), (result) => result.outcome === 'delivered', { timeoutMs: 30_000, everyMs: 500, description: 'the pending evidence to be delivered by a re-send' });
      expect(await deliverAgain(kept.id)).toMatchObject({ outcome: 'delivered' }); // once: the same Update, answered again
      await eventually(() => milestoneStatus(milestone.id), (s) => s === 'under_review');
      const request = await db.getRepository(EvidenceRequestEntity).findOneByOrFail({ milestoneId: milestone.id, cycle: 1 });
      expect(request.status).toBe(EvidenceRequestStatus.Fulfilled);
      expect((await db.getRepository(EvidenceEntity).findOneByOrFail({ id: kept.id })).deliveredAt).not.toBeNull();
      const listed = await system.http().get(`/milestones/${milestone.id}/evidence`).set(fixture.coordinator).expect(200);
      expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([kept.id]);
    });

    it('removes pending evidence, its file rows and bytes when the workflow refuses the delivery', async () => {
      // A request the workflow has not opened (its milestone waits for the start date): the validator refuses.
      const milestone = await createMilestone(system, fixture, 3600, 'Refused later');
      const request = await db.getRepository(EvidenceRequestEntity).save({ milestoneId: milestone.id, cycle: 1, status: EvidenceRequestStatus.Open, dueAt: new Date(Date.now() + 3_600_000), linkExpiresAt: new Date(Date.now() + 7_200_000) });
      const storage = new LocalDiskEvidenceStorage(system.config.evidenceDir);
      const before = filesUnder(system.config.evidenceDir);
      const evidence = await db.getRepository(EvidenceEntity).save({ milestoneId: milestone.id, evidenceRequestId: request.id, narrative: 'Kept while pending', claimedCompletion: 'complete', submittedBy: 'upload-link', deliveredAt: null });
      const key = `${randomUUID().slice(0, 2)}/${randomUUID()}`;
      await storage.put(key, PDF);
      await db.getRepository(EvidenceFileEntity).insert({ evidenceId: evidence.id, originalName: 'report.pdf', mediaType: 'application/pdf', sizeBytes: PDF.length, sha256: 'a'.repeat(64), storageKey: key });

      const refused = await deliverAgain(evidence.id);
      expect(refused).toMatchObject({ outcome: 'refused', error: expect.objectContaining({ message: expect.stringContaining('did not accept') }) });
      expect(await db.getRepository(EvidenceEntity).countBy({ id: evidence.id })).toBe(0);
      expect(await db.getRepository(EvidenceFileEntity).countBy({ evidenceId: evidence.id })).toBe(0);
      expect(filesUnder(system.config.evidenceDir)).toEqual(before);
    });
  });

  describe('escalation acts (defect 5)', () => {
    it('answers a resolve sent twice (a retry) with the same 200 both times', async () => {
      const fixture = await createPlanFixture(system, { policy: secondsPolicy({ evidenceRequestLeadSeconds: 2, reminderIntervalSeconds: 600, maxReminders: 0, escalationGraceSeconds: 1, secondLevelEscalationSeconds: 3600 }) });
      const milestone = await createMilestone(system, fixture, 2, 'Escalated, resolved twice');
      const handle = system.temporal.workflow.getHandle(milestone.workflowId);
      const escalated = await eventually(() => handle.query<{ escalation: { id: string } | null }>('getMilestoneState'), (s) => !!s.escalation);
      const imb = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'imb', label: 'PoliLab UNR' }).expect(201);
      const imbAuth = { Authorization: `Bearer ${imb.body.token}` };
      const resolve = () => system.http().post(`/escalations/${escalated.escalation!.id}/resolve`).set(imbAuth).send({ text: 'Replanning agreed with the agency.', keepMilestoneOpen: true });

      const first = await resolve();
      const second = await resolve();
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body).toEqual(first.body);
      expect(first.body).toMatchObject({ status: 'resolved', resolution: 'Replanning agreed with the agency.' });

      // A different act is a new Update, which the workflow's validator refuses.
      await system.http().post(`/escalations/${escalated.escalation!.id}/resolve`).set(imbAuth).send({ text: 'Something else.' }).expect(409);
      await handle.terminate('test finished');
    });

    it('answers a resolve that closed the milestone, sent again after its workflow ended, with the same 200', async () => {
      const fixture = await createPlanFixture(system, { policy: secondsPolicy({ evidenceRequestLeadSeconds: 2, reminderIntervalSeconds: 600, maxReminders: 0, escalationGraceSeconds: 1, secondLevelEscalationSeconds: 3600 }) });
      const milestone = await createMilestone(system, fixture, 2, 'Escalated, closed, resolved twice');
      const handle = system.temporal.workflow.getHandle(milestone.workflowId);
      const escalated = await eventually(() => handle.query<{ escalation: { id: string } | null }>('getMilestoneState'), (s) => !!s.escalation);
      const imb = await system.http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'imb', label: 'PoliLab UNR' }).expect(201);
      const resolve = () => system.http().post(`/escalations/${escalated.escalation!.id}/resolve`).set({ Authorization: `Bearer ${imb.body.token}` }).send({ text: 'No evidence will come: closed.' });

      const first = await resolve();
      expect(first.status).toBe(200);
      expect(first.body.milestoneStatus).toBe('closed_without_evidence');
      await handle.result(); // the milestone's workflow has ended
      const second = await resolve();
      // Temporal keeps a completed Update's outcome with the closed run: the retry gets it, not a 409.
      expect({ status: second.status, body: second.body }).toEqual({ status: 200, body: first.body });
    });
  });
});
