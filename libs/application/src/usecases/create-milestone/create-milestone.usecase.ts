import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { checkMilestoneDates } from '@app/domain';
import { AgencyEntity, MilestoneEntity, MilestoneRepository, recordAudit } from '@app/persistence';
import { RuleViolationError } from '../../errors';
import { MilestoneWorkflowSync, WorkflowEffect } from '../../milestone-workflow-sync.service';
import { CreateMilestoneCommand } from './create-milestone.command';
import { newMilestone } from './new-milestone';

export interface MilestoneCreated {
  milestone: MilestoneEntity;
  workflow: WorkflowEffect;
  warnings: { field: string; message: string }[];
}

/**
 * One milestone through the API: checked against the plan's rules, saved with its audit event,
 * then handed to its commitment's workflow (when the plan is active). When Temporal does not take
 * it, the milestone is removed again (audited) and the error goes to the client: nothing is left
 * unfollowed.
 *
 * The imports do not run this: they create many milestones in one transaction (all or none) and hand
 * the plan over once after the commit, so they share the row (`newMilestone`) and the repository,
 * not the per-milestone hand-over and roll-back. Their weights are checked as a whole beforehand.
 */
@Injectable()
export class CreateMilestone {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly milestones: MilestoneRepository,
    private readonly workflowSync: MilestoneWorkflowSync,
  ) {}

  async execute(command: CreateMilestoneCommand): Promise<MilestoneCreated> {
    const { actor, plan, commitmentId } = command;
    const dates = checkMilestoneDates({ startAt: command.startAt, dueAt: command.dueAt, periodStart: plan.periodStart, periodEnd: plan.periodEnd });
    if (dates.length > 0) throw new RuleViolationError(dates);
    const warnings: MilestoneCreated['warnings'] = [];

    const milestone = await this.db.transaction(async (manager) => {
      const agency = await manager.findOneBy(AgencyEntity, { id: command.responsibleAgencyId, jurisdictionId: plan.jurisdictionId });
      if (!agency) throw new RuleViolationError([{ field: 'responsibleAgencyId', message: "responsibleAgencyId must name an agency of the plan's jurisdiction" }]);
      const milestones = this.milestones.withManager(manager);
      // Weighted commitment: the newcomer gets 0 so the weights still sum to 1 until they are set again.
      const weighted = await milestones.hasWeights(commitmentId);
      if (weighted) warnings.push({ field: 'weight', message: 'The commitment has weighted milestones: this one has weight 0 until the weights are set again (PUT /commitments/{id}/milestone-weights).' });
      const saved = await milestones.insert(
        newMilestone({
          commitmentId,
          title: command.title,
          expectedOutput: command.expectedOutput,
          startAt: command.startAt,
          dueAt: command.dueAt,
          responsibleAgencyId: command.responsibleAgencyId,
          verifiable: command.verifiable,
          externalId: command.externalId,
          weight: weighted ? 0 : null,
        }),
      );
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.created', entityType: 'milestone', entityId: saved.id, after: saved });
      return saved;
    });

    try {
      return { milestone, workflow: await this.workflowSync.start(milestone, plan), warnings };
    } catch (error) {
      // The signal may have reached Temporal although the call failed (a timeout): take it back, as far as possible.
      await this.workflowSync.cancel(milestone, plan, 'The milestone was not created').catch(() => undefined);
      await this.db.transaction(async (manager) => {
        await this.milestones.withManager(manager).delete(milestone.id);
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.creation_rolled_back', entityType: 'milestone', entityId: milestone.id, before: milestone });
      });
      throw error;
    }
  }
}
