import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PlanStatus } from '@app/domain';
import { ActionPlanEntity } from '@app/persistence';
import { SyncPlanCheckIns, SyncPlanCheckInsCommand } from '../sync-plan-check-ins';
import { SyncPlanDigests, SyncPlanDigestsCommand } from '../sync-plan-digests';
import { SyncPlanWorkflows, SyncPlanWorkflowsCommand } from '../sync-plan-workflows';
import { ReconcileWorkflowsCommand } from './reconcile-workflows.command';

export interface WorkflowsReconciled {
  plans: number;
  handedOver: number;
  cancelled: number;
  /** Dialogue Board schedules created, updated or deleted (an active plan with settings has one, any other plan none). */
  schedulesChanged: number;
  /** Schedules triggered because no meeting was prepared ahead (a new one, or an outage longer than the catch-up window). */
  schedulesTriggered: number;
  /** Check-in workflows of active plans told again of a change, cancellation or closing (a signal the API may not have delivered). */
  checkInsNudged: number;
  /** Digest schedules created or updated (an active plan with digest settings has one, any other plan none: SyncPlanDigests). */
  digestSchedulesChanged: number;
  /** Plans Temporal could not be asked about (tried again next run). */
  failed: number;
}

/**
 * Housekeeping: reconciles every active plan and every recently closed plan with Temporal: its
 * milestone workflows (SyncPlanWorkflows) and its Dialogue Board schedule, action items and the
 * workflows of its check-ins not yet finished (SyncPlanCheckIns with nudgeCheckIns), and its digest
 * schedule (SyncPlanDigests).
 */
@Injectable()
export class ReconcileWorkflows {
  private readonly logger = new Logger(ReconcileWorkflows.name);

  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    private readonly syncPlanWorkflows: SyncPlanWorkflows,
    private readonly syncPlanCheckIns: SyncPlanCheckIns,
    private readonly syncPlanDigests: SyncPlanDigests,
  ) {}

  async execute(command: ReconcileWorkflowsCommand, onProgress: (done: number) => void = () => undefined): Promise<WorkflowsReconciled> {
    const plans = await this.plans
      .createQueryBuilder('p')
      .select('p.id', 'id')
      .where('p.status = :active', { active: PlanStatus.Active })
      .orWhere('(p.status = :closed AND p.closed_at > now() - make_interval(days => :days))', { closed: PlanStatus.Closed, days: command.closedWithinDays })
      .orderBy('p.id')
      .getRawMany<{ id: string }>();
    const result: WorkflowsReconciled = { plans: plans.length, handedOver: 0, cancelled: 0, schedulesChanged: 0, schedulesTriggered: 0, checkInsNudged: 0, digestSchedulesChanged: 0, failed: 0 };
    for (const [i, { id }] of plans.entries()) {
      try {
        const synced = await this.syncPlanWorkflows.execute(SyncPlanWorkflowsCommand.create({ planId: id, scope: 'missing' }));
        result.handedOver += synced.handedOver;
        result.cancelled += synced.cancelled;
        const checkIns = await this.syncPlanCheckIns.execute(SyncPlanCheckInsCommand.create({ planId: id, nudgeCheckIns: true }));
        if (checkIns.schedule === 'created' || checkIns.schedule === 'updated') result.schedulesChanged++;
        if (checkIns.triggered) result.schedulesTriggered++;
        result.checkInsNudged += checkIns.checkInsNudged ?? 0;
        const digests = await this.syncPlanDigests.execute(SyncPlanDigestsCommand.create({ planId: id }));
        if (digests.schedule === 'created' || digests.schedule === 'updated') result.digestSchedulesChanged++;
      } catch (error) {
        result.failed++;
        this.logger.warn({ msg: 'could not reconcile the workflows of a plan', planId: id, error: String(error) });
      }
      onProgress(i + 1);
    }
    return result;
  }
}
