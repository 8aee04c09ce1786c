import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository } from 'typeorm';
import { ActionItemStatus, isActionItemOverdue } from '@app/domain';
import { ActionItemEntity, ActionPlanEntity, recordAudit } from '@app/persistence';
import { CheckInWorkflows, WorkflowEngineUnavailableError } from '@app/temporal';
import { canSeeJurisdiction, notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { assertWritable, PlanScope } from '../auth/plan-scope.service';
import { Page, pageOf, toPage } from '../common/pagination';
import { ProblemException } from '../common/problem-details.filter';
import { ActionItemDto, ActionItemWriteResultDto, CloseActionItemDto, ListActionItemsQueryDto, mapActionItem } from './dto/check-in.dto';

/** What check-ins decided someone must do: listed per plan, closed by the coordinator (its workflow then ends). */
@Injectable()
export class ActionItemsService {
  private readonly logger = new Logger(ActionItemsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(ActionItemEntity) private readonly actionItems: Repository<ActionItemEntity>,
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    private readonly scope: PlanScope,
    private readonly workflows: CheckInWorkflows,
  ) {}

  /** open, closed, or overdue (open and past due: the domain's isActionItemOverdue, on the open ones due before now). */
  async list(actor: Actor, planId: string, query: ListActionItemsQueryDto): Promise<Page<ActionItemDto>> {
    await this.scope.plan(actor, planId);
    const now = new Date();
    const status = query.status === 'closed' ? ActionItemStatus.Closed : query.status ? ActionItemStatus.Open : undefined;
    const [rows, total] = await this.actionItems.findAndCount({
      where: { planId, ...(status ? { status } : {}), ...(query.status === 'overdue' ? { dueAt: LessThan(now) } : {}) },
      order: { dueAt: 'ASC', id: 'ASC' },
      ...pageOf(query),
    });
    const items = query.status === 'overdue' ? rows.filter((a) => isActionItemOverdue(a, now)) : rows;
    return toPage(
      items.map((a) => mapActionItem(a, now)),
      total - (rows.length - items.length),
      query,
    );
  }

  async close(actor: Actor, id: string, dto: CloseActionItemDto): Promise<ActionItemWriteResultDto> {
    const before = await this.actionItems.findOneBy({ id });
    if (!before) throw notFound('action item', id);
    const plan = await this.plans.findOneByOrFail({ id: before.planId });
    if (!canSeeJurisdiction(actor, plan.jurisdictionId)) throw notFound('action item', id);
    assertWritable(plan);
    const after = await this.db.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(ActionItemEntity)
        .set({ status: ActionItemStatus.Closed, closedAt: () => 'now()', closingNote: dto.note ?? null, version: () => 'version + 1' })
        .where({ id, status: ActionItemStatus.Open })
        .execute();
      if (!result.affected) throw new ProblemException(409, 'Conflict', 'The action item is closed already.', [{ field: 'status', message: 'action item is closed' }]);
      const updated = await manager.getRepository(ActionItemEntity).findOneByOrFail({ id });
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'action_item.closed', entityType: 'action_item', entityId: id, before, after: updated });
      return updated;
    });
    let warnings: { field: string; message: string }[] = [];
    try {
      await this.workflows.actionItemClosed(id);
    } catch (error) {
      if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
      this.logger.warn({ msg: 'an action item workflow could not be told it was closed', actionItemId: id, error: error.message });
      warnings = [{ field: 'workflow', message: 'The action item is closed, but its workflow could not be told yet (the workflow engine did not answer); it reads the item before reminding anyone.' }];
    }
    return { ...mapActionItem(after, new Date()), warnings };
  }
}
