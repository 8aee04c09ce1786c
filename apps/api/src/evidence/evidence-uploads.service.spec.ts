import type { DataSource, EntityManager, Repository } from 'typeorm';
import type { AppConfig } from '@app/config';
import { DeliverEvidence } from '@app/application';
import { AgencyEntity, EvidenceEntity, EvidenceRequestEntity, EvidenceRequestStatus, MilestoneEntity, MilestoneRepository } from '@app/persistence';
import type { EvidenceStorage } from '@app/storage';
import { WorkflowEndedError, WorkflowEngineUnavailableError, WorkflowRefusedError } from '@app/temporal';
import { HttpException } from '@nestjs/common';
import { Actor, Role } from '../auth/actor';
import { PlanScope } from '../auth/plan-scope.service';
import { EvidenceUploadsService } from './evidence-uploads.service';

const MILESTONE_ID = '3f1f0c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const agency: Actor = { role: Role.Agency, label: 'Agency token', jurisdictionId: 'j1', agencyId: 'a1' } as Actor;
const openRequest = { id: 'r1', milestoneId: MILESTONE_ID, cycle: 1, status: EvidenceRequestStatus.Open } as EvidenceRequestEntity;
const body = { narrative: 'Inventory published', claimedCompletion: 'complete' };

describe(EvidenceUploadsService.name, () => {
  let sut: EvidenceUploadsService;
  let requests: jest.Mocked<Pick<Repository<EvidenceRequestEntity>, 'findOne' | 'findOneBy'>>;
  let milestones: jest.Mocked<Pick<MilestoneRepository, 'getById'>>;
  let manager: jest.Mocked<Pick<EntityManager, 'insert'>>;
  let scope: jest.Mocked<Pick<PlanScope, 'milestone'>>;
  let deliver: jest.Mocked<Pick<DeliverEvidence, 'execute'>>;

  beforeEach(() => {
    requests = { findOne: jest.fn().mockResolvedValue(openRequest), findOneBy: jest.fn() };
    milestones = { getById: jest.fn().mockResolvedValue({ id: MILESTONE_ID, status: 'evidence_requested' } as MilestoneEntity) };
    manager = { insert: jest.fn().mockResolvedValue(undefined) };
    const db = { transaction: jest.fn((work: (m: EntityManager) => Promise<unknown>) => work(manager as unknown as EntityManager)) } as unknown as DataSource;
    scope = { milestone: jest.fn().mockResolvedValue({}) };
    deliver = { execute: jest.fn() };
    sut = new EvidenceUploadsService(
      requests as unknown as Repository<EvidenceRequestEntity>,
      {} as Repository<EvidenceEntity>,
      milestones as unknown as MilestoneRepository,
      {} as Repository<AgencyEntity>,
      db,
      { put: jest.fn(), delete: jest.fn() } as unknown as EvidenceStorage,
      scope as unknown as PlanScope,
      deliver as unknown as DeliverEvidence,
      { uploadLinkSecret: 'x'.repeat(32) } as AppConfig,
    );
  });

  describe('submitForMilestone', () => {
    const submit = () => sut.submitForMilestone(agency, MILESTONE_ID, { body, multipart: false });

    it('stores the evidence, then delivers it: delivered answers the workflow’s status', async () => {
      deliver.execute.mockResolvedValue({ outcome: 'delivered', milestoneStatus: 'under_review' });
      const receipt = await submit();
      expect(receipt).toMatchObject({ milestoneId: MILESTONE_ID, milestoneStatus: 'under_review', delivery: 'delivered', files: [] });
      expect(manager.insert).toHaveBeenCalledWith(EvidenceEntity, expect.objectContaining({ id: receipt.evidenceId, evidenceRequestId: 'r1', narrative: 'Inventory published', submittedBy: 'Agency token' }));
      expect(deliver.execute).toHaveBeenCalledWith(expect.objectContaining({ evidenceId: receipt.evidenceId }));
      expect(scope.milestone).toHaveBeenCalledWith(agency, MILESTONE_ID, 'write');
    });

    it('answers delivery pending (kept) when the workflow did not answer in time', async () => {
      deliver.execute.mockResolvedValue({ outcome: 'pending', error: new WorkflowEngineUnavailableError('late', true) });
      await expect(submit()).resolves.toMatchObject({ delivery: 'pending', milestoneStatus: 'evidence_requested' });
    });

    it('passes the workflow’s refusal on (409 in the filter); the use case removed the evidence', async () => {
      const refusal = new WorkflowRefusedError('The milestone did not accept this evidence: No evidence request is open for this milestone');
      deliver.execute.mockResolvedValue({ outcome: 'refused', error: refusal });
      await expect(submit()).rejects.toBe(refusal);
    });

    it('answers a workflow not running (yet) as unavailable: nothing was saved, try again', async () => {
      deliver.execute.mockResolvedValue({ outcome: 'refused', error: new WorkflowEndedError('not running') });
      const error = await submit().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowEngineUnavailableError);
      expect((error as WorkflowEngineUnavailableError).message).toContain('was not saved');
      expect((error as WorkflowEngineUnavailableError).outcomeUnknown).toBe(false);
    });

    it('refuses a milestone the actor may not write, storing and delivering nothing', async () => {
      scope.milestone.mockRejectedValue(new HttpException('Not Found', 404));
      await expect(submit()).rejects.toBeInstanceOf(HttpException);
      expect(manager.insert).not.toHaveBeenCalled();
      expect(deliver.execute).not.toHaveBeenCalled();
    });

    it('refuses a milestone with no open request (409) before storing anything', async () => {
      requests.findOne.mockResolvedValue(null);
      await expect(submit()).rejects.toMatchObject({ status: 409 });
      expect(deliver.execute).not.toHaveBeenCalled();
    });
  });
});
