import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { EvidenceEntity, EvidenceFileEntity } from '@app/persistence';
import { EVIDENCE_STORAGE, EvidenceStorage } from '@app/storage';
import { MilestoneWorkflows, WorkflowEndedError, WorkflowEngineUnavailableError, WorkflowRefusedError } from '@app/temporal';
import { DeliverEvidenceCommand } from './deliver-evidence.command';

/**
 * - `delivered`: the workflow took the evidence (now, or an earlier attempt did); the row stays.
 * - `refused`: the workflow said no for good (its validator, or it is not running): the evidence,
 *   its file rows and the stored bytes are gone; `error` says why.
 * - `pending`: no answer in time; the Update may still be taken. Everything stays, undelivered, and
 *   housekeeping sends the same Update again until it is taken or refused.
 */
export type EvidenceDelivery =
  | { outcome: 'delivered'; milestoneStatus: string | null }
  | { outcome: 'refused'; error: WorkflowRefusedError | WorkflowEndedError }
  | { outcome: 'pending'; error: WorkflowEngineUnavailableError };

/**
 * Hands stored evidence to its milestone's workflow as the Update `evidence-<evidenceId>`: a
 * repeat is the same Update, which Temporal answers once. An upload is either taken (row kept,
 * workflow moves on) or refused (nothing kept), never half.
 */
@Injectable()
export class DeliverEvidence {
  private readonly logger = new Logger(DeliverEvidence.name);

  constructor(
    @InjectRepository(EvidenceEntity) private readonly evidence: Repository<EvidenceEntity>,
    @InjectRepository(EvidenceFileEntity) private readonly files: Repository<EvidenceFileEntity>,
    @Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage,
    private readonly workflows: MilestoneWorkflows,
  ) {}

  async execute(command: DeliverEvidenceCommand): Promise<EvidenceDelivery> {
    const evidence = await this.evidence.findOneByOrFail({ id: command.evidenceId });
    if (evidence.deliveredAt) return { outcome: 'delivered', milestoneStatus: null };
    try {
      const result = await this.workflows.submitEvidence(evidence.milestoneId, { evidenceId: evidence.id, evidenceRequestId: evidence.evidenceRequestId });
      await this.evidence.update({ id: evidence.id, deliveredAt: IsNull() }, { deliveredAt: new Date() });
      return { outcome: 'delivered', milestoneStatus: result.status };
    } catch (error) {
      if (error instanceof WorkflowEngineUnavailableError) {
        this.logger.warn({ msg: 'evidence delivery pending: the workflow did not answer in time', evidenceId: evidence.id, milestoneId: evidence.milestoneId, error: error.message });
        return { outcome: 'pending', error };
      }
      if (!(error instanceof WorkflowRefusedError || error instanceof WorkflowEndedError)) throw error;
      // An earlier attempt's Update may have been taken meanwhile (its activity marks the row): then it stays.
      const current = await this.evidence.findOneBy({ id: evidence.id });
      if (current?.deliveredAt) return { outcome: 'delivered', milestoneStatus: null };
      await this.remove(evidence.id);
      return { outcome: 'refused', error };
    }
  }

  /** The evidence, its file rows (cascade) and then the stored bytes. */
  private async remove(evidenceId: string): Promise<void> {
    const keys = (await this.files.find({ select: { storageKey: true }, where: { evidenceId } })).map((f) => f.storageKey);
    await this.evidence.delete({ id: evidenceId });
    for (const key of keys) {
      await this.storage.delete(key).catch((error: unknown) => this.logger.error({ msg: 'could not remove a stored evidence file (the orphan sweep will)', key, error: String(error) }));
    }
  }
}
