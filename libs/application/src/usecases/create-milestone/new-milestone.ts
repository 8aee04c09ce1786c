import type { DeepPartial } from 'typeorm';
import { MilestoneStatus } from '@app/domain';
import type { MilestoneEntity } from '@app/persistence';

/** What a new milestone is made of; the rest takes the defaults below. */
export interface NewMilestone {
  commitmentId: string;
  title: string;
  startAt: Date;
  dueAt: Date;
  responsibleAgencyId: string;
  expectedOutput?: string | null;
  verifiable?: boolean;
  externalId?: string | null;
  weight?: number | null;
  completion?: string | null;
  /** A plan document carries the approved date and a cancellation (export → import keeps them). */
  originalDueAt?: Date;
  cancelledReason?: string | null;
}

/**
 * The fields of a milestone row about to be inserted, with the defaults in one place: not started
 * (cancelled when it comes with a reason), approved with its due date, verifiable, no weight, no
 * completion. The API (CreateMilestone) and both imports build their rows with it.
 */
export function newMilestone(fields: NewMilestone): DeepPartial<MilestoneEntity> {
  const cancelledReason = fields.cancelledReason ?? null;
  return {
    commitmentId: fields.commitmentId,
    title: fields.title,
    expectedOutput: fields.expectedOutput ?? null,
    startAt: fields.startAt,
    dueAt: fields.dueAt,
    originalDueAt: fields.originalDueAt ?? fields.dueAt,
    responsibleAgencyId: fields.responsibleAgencyId,
    status: cancelledReason === null ? MilestoneStatus.NotStarted : MilestoneStatus.Cancelled,
    weight: fields.weight ?? null,
    verifiable: fields.verifiable ?? true,
    externalId: fields.externalId ?? null,
    completion: fields.completion ?? null,
    cancelledReason,
  };
}
