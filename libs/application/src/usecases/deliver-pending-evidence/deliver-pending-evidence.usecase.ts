import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Repository } from 'typeorm';
import { EvidenceEntity } from '@app/persistence';
import { DeliverEvidence, DeliverEvidenceCommand } from '../deliver-evidence';
import { DeliverPendingEvidenceCommand } from './deliver-pending-evidence.command';

export interface PendingEvidenceDelivered {
  /** Undelivered evidence found. */
  pending: number;
  delivered: number;
  /** Refused by the workflow: removed with their files. */
  refused: number;
  /** Still no answer: tried again on the next run. */
  stillPending: number;
}

/** Housekeeping: sends evidence the workflow never answered for again, with the same Update id. */
@Injectable()
export class DeliverPendingEvidence {
  constructor(
    @InjectRepository(EvidenceEntity) private readonly evidence: Repository<EvidenceEntity>,
    private readonly deliver: DeliverEvidence,
  ) {}

  async execute(command: DeliverPendingEvidenceCommand, onProgress: (done: number) => void = () => undefined): Promise<PendingEvidenceDelivered> {
    const pending = await this.evidence.find({
      select: { id: true },
      where: { deliveredAt: IsNull(), submittedAt: LessThan(new Date(Date.now() - command.olderThanSeconds * 1000)) },
      order: { submittedAt: 'ASC' },
      take: command.limit,
    });
    const result: PendingEvidenceDelivered = { pending: pending.length, delivered: 0, refused: 0, stillPending: 0 };
    for (const { id } of pending) {
      const delivery = await this.deliver.execute(DeliverEvidenceCommand.create({ evidenceId: id }));
      if (delivery.outcome === 'delivered') result.delivered++;
      else if (delivery.outcome === 'refused') result.refused++;
      else result.stillPending++;
      onProgress(result.delivered + result.refused + result.stillPending);
    }
    return result;
  }
}
