import type { Repository } from 'typeorm';
import type { EvidenceEntity, EvidenceFileEntity } from '@app/persistence';
import type { EvidenceStorage } from '@app/storage';
import { MilestoneWorkflows, WorkflowEndedError, WorkflowEngineUnavailableError, WorkflowRefusedError } from '@app/temporal';
import { DeliverEvidence } from './deliver-evidence.usecase';
import { DeliverEvidenceCommand } from './deliver-evidence.command';

const EVIDENCE_ID = '0b6f4c1e-9a59-4a49-9a1c-1b0f8c3a2d10';
const stored = { id: EVIDENCE_ID, milestoneId: 'm1', evidenceRequestId: 'r1', deliveredAt: null } as EvidenceEntity;

describe(DeliverEvidence.name, () => {
  let sut: DeliverEvidence;
  let evidence: jest.Mocked<Pick<Repository<EvidenceEntity>, 'findOneByOrFail' | 'findOneBy' | 'update' | 'delete'>>;
  let files: jest.Mocked<Pick<Repository<EvidenceFileEntity>, 'find'>>;
  let storage: jest.Mocked<EvidenceStorage>;
  let workflows: jest.Mocked<Pick<MilestoneWorkflows, 'submitEvidence'>>;

  beforeEach(() => {
    evidence = { findOneByOrFail: jest.fn().mockResolvedValue(stored), findOneBy: jest.fn().mockResolvedValue(stored), update: jest.fn(), delete: jest.fn() };
    files = { find: jest.fn().mockResolvedValue([{ storageKey: 'ab/one' }, { storageKey: 'cd/two' }]) };
    storage = { put: jest.fn(), get: jest.fn(), delete: jest.fn().mockResolvedValue(undefined) } as unknown as jest.Mocked<EvidenceStorage>;
    workflows = { submitEvidence: jest.fn() };
    sut = new DeliverEvidence(evidence as unknown as Repository<EvidenceEntity>, files as unknown as Repository<EvidenceFileEntity>, storage, workflows as unknown as MilestoneWorkflows);
  });

  describe('execute', () => {
    const command = () => DeliverEvidenceCommand.create({ evidenceId: EVIDENCE_ID });

    it('delivers the evidence as its Update and marks it delivered', async () => {
      workflows.submitEvidence.mockResolvedValue({ status: 'under_review' } as never);
      await expect(sut.execute(command())).resolves.toEqual({ outcome: 'delivered', milestoneStatus: 'under_review' });
      expect(workflows.submitEvidence).toHaveBeenCalledWith('m1', { evidenceId: EVIDENCE_ID, evidenceRequestId: 'r1' });
      expect(evidence.update).toHaveBeenCalledWith({ id: EVIDENCE_ID, deliveredAt: expect.anything() }, { deliveredAt: expect.any(Date) });
      expect(evidence.delete).not.toHaveBeenCalled();
    });

    it('keeps everything when the answer is late (pending)', async () => {
      const late = new WorkflowEngineUnavailableError('no answer in time', true);
      workflows.submitEvidence.mockRejectedValue(late);
      await expect(sut.execute(command())).resolves.toEqual({ outcome: 'pending', error: late });
      expect(evidence.delete).not.toHaveBeenCalled();
      expect(storage.delete).not.toHaveBeenCalled();
    });

    it.each([new WorkflowRefusedError('The milestone did not accept this evidence: closed'), new WorkflowEndedError('not running')])('removes the evidence, its file rows and bytes when refused for good (%s)', async (refusal) => {
      workflows.submitEvidence.mockRejectedValue(refusal);
      await expect(sut.execute(command())).resolves.toEqual({ outcome: 'refused', error: refusal });
      expect(evidence.delete).toHaveBeenCalledWith({ id: EVIDENCE_ID });
      expect(storage.delete.mock.calls).toEqual([['ab/one'], ['cd/two']]);
    });

    it('keeps evidence an earlier attempt delivered although this one is refused (the workflow took it, then ended)', async () => {
      workflows.submitEvidence.mockRejectedValue(new WorkflowEndedError('completed'));
      evidence.findOneBy.mockResolvedValue({ ...stored, deliveredAt: new Date() } as EvidenceEntity);
      await expect(sut.execute(command())).resolves.toEqual({ outcome: 'delivered', milestoneStatus: null });
      expect(evidence.delete).not.toHaveBeenCalled();
    });

    it('does not send evidence delivered already', async () => {
      evidence.findOneByOrFail.mockResolvedValue({ ...stored, deliveredAt: new Date() } as EvidenceEntity);
      await expect(sut.execute(command())).resolves.toEqual({ outcome: 'delivered', milestoneStatus: null });
      expect(workflows.submitEvidence).not.toHaveBeenCalled();
    });

    it('lets an unexpected error through and removes nothing', async () => {
      workflows.submitEvidence.mockRejectedValue(new Error('bug'));
      await expect(sut.execute(command())).rejects.toThrow('bug');
      expect(evidence.delete).not.toHaveBeenCalled();
    });
  });
});
