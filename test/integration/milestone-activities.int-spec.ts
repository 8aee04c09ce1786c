/**
 * The milestone activities against the real database: the rules they apply come from the domain
 * (the effective policy of a milestone's commitment, the allowed status transitions).
 */
import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MilestoneActivities } from '../../apps/worker/src/activities/milestone.activities';
import { APP_CONFIG, AppConfigModule } from '../../libs/config/src';
import { MilestoneStatus, MonitoringPolicy, resolvePolicy } from '../../libs/domain/src';
import { MailModule } from '../../libs/mail/src';
import { ActionPlanEntity, AgencyEntity, CommitmentEntity, EvidenceRequestEntity, JurisdictionEntity, MilestoneEntity, PersistenceModule } from '../../libs/persistence/src';
import { testConfig } from '../support/test-system';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

describe(MilestoneActivities.name, () => {
  let moduleRef: TestingModule;
  let activities: MilestoneActivities;
  let db: DataSource;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule], providers: [MilestoneActivities] })
      .overrideProvider(APP_CONFIG)
      .useValue(testConfig('smtp://127.0.0.1:9'))
      .compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    activities = moduleRef.get(MilestoneActivities);
    db = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  /** A plan (60 days' link validity), a commitment with `overrides`, and one milestone due in 10 days, written directly. */
  async function milestoneFixture(overrides: Partial<MonitoringPolicy> | null, status = MilestoneStatus.Open) {
    const suffix = randomBytes(4).toString('hex');
    const contact = (who: string) => ({ name: who, email: `${who}-${suffix}@test.example` });
    const jurisdiction = await db.getRepository(JurisdictionEntity).save({ slug: `act-${suffix}`, name: `Activities ${suffix}`, country: 'AR', timeZone: 'UTC', defaultLanguage: 'en', officeContacts: [contact('office')] });
    const agency = await db.getRepository(AgencyEntity).save({ jurisdictionId: jurisdiction.id, name: 'Secretariat', contacts: [contact('agency')], language: 'en' });
    const plan = await db.getRepository(ActionPlanEntity).save({
      jurisdictionId: jurisdiction.id,
      title: `Plan ${suffix}`,
      periodStart: '2026-01-01',
      periodEnd: '2027-12-31',
      termEnd: '2028-06-30',
      strategicVision: null,
      status: 'active',
      policy: resolvePolicy({ uploadLinkValidityAfterDueSeconds: 60 * 86400 }),
      imbName: 'IMB',
      imbContacts: [contact('imb')],
      endorsingStakeholders: [],
    });
    const commitment = await db.getRepository(CommitmentEntity).save({ planId: plan.id, title: 'Open data', leadAgencyId: agency.id, supportingStakeholders: [], sdgTags: [], status: 'active', policyOverrides: overrides });
    const dueAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 10 * DAY);
    const milestone = await db.getRepository(MilestoneEntity).save({ commitmentId: commitment.id, title: 'Inventory', startAt: new Date(), dueAt, originalDueAt: dueAt, responsibleAgencyId: agency.id, status, verifiable: true });
    return { milestoneId: milestone.id, dueAt };
  }

  describe('openEvidenceRequest', () => {
    it("expires the upload link after the commitment's override of the link validity, not the plan's", async () => {
      const { milestoneId, dueAt } = await milestoneFixture({ uploadLinkValidityAfterDueSeconds: 3600 });
      const { evidenceRequestId } = await activities.openEvidenceRequest({ milestoneId, cycle: 1 });
      const request = await db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id: evidenceRequestId });
      expect(request.dueAt.toISOString()).toBe(dueAt.toISOString());
      expect(request.linkExpiresAt.toISOString()).toBe(new Date(dueAt.getTime() + HOUR).toISOString());
    });

    it("uses the plan's validity without an override, from the cycle's own deadline", async () => {
      const { milestoneId } = await milestoneFixture(null);
      const cycleDueAt = new Date('2026-09-01T00:00:00Z');
      const { evidenceRequestId } = await activities.openEvidenceRequest({ milestoneId, cycle: 2, dueAt: cycleDueAt.toISOString() });
      const request = await db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id: evidenceRequestId });
      expect(request.linkExpiresAt.toISOString()).toBe(new Date(cycleDueAt.getTime() + 60 * DAY).toISOString());
      // Run again (a retried activity): the same request.
      expect(await activities.openEvidenceRequest({ milestoneId, cycle: 2, dueAt: cycleDueAt.toISOString() })).toEqual({ evidenceRequestId });
    });
  });

  describe('setMilestoneStatus', () => {
    it('writes only an allowed transition from one of the given statuses', async () => {
      const { milestoneId } = await milestoneFixture(null, MilestoneStatus.Open);
      const status = async () => (await db.getRepository(MilestoneEntity).findOneByOrFail({ id: milestoneId })).status;
      expect(await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Overdue, onlyFrom: [MilestoneStatus.EvidenceRequested] })).toBe(false);
      expect(await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.EvidenceRequested, onlyFrom: [MilestoneStatus.Open] })).toBe(true);
      expect(await status()).toBe(MilestoneStatus.EvidenceRequested);
      await db.getRepository(MilestoneEntity).update({ id: milestoneId }, { status: MilestoneStatus.Cancelled });
      // A cancelled milestone stays cancelled, even when asked without a guard.
      expect(await activities.setMilestoneStatus({ milestoneId, status: MilestoneStatus.Overdue })).toBe(false);
      expect(await status()).toBe(MilestoneStatus.Cancelled);
    });
  });
});
