import { IsBoolean, IsInstance, IsObject, IsOptional, IsString, IsUUID } from 'class-validator';
import type { ActionPlanEntity } from '@app/persistence';
import { BaseCommand } from '../../base-command';
import type { AuditActor } from '../../plan-status';

export class CreateMilestoneCommand extends BaseCommand {
  @IsObject()
  actor!: AuditActor;

  /** The commitment's plan, loaded (and checked writable) by the caller. */
  @IsObject()
  plan!: ActionPlanEntity;

  @IsUUID()
  commitmentId!: string;

  @IsString()
  title!: string;

  @IsOptional() @IsString()
  expectedOutput?: string;

  /** Dates as given: an invalid one is refused by the plan's rules (a 422 naming it), not here. */
  @IsInstance(Date)
  startAt!: Date;

  @IsInstance(Date)
  dueAt!: Date;

  @IsUUID()
  responsibleAgencyId!: string;

  @IsOptional() @IsBoolean()
  verifiable?: boolean;

  @IsOptional() @IsString()
  externalId?: string;
}
