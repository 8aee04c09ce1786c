import { IsInt, IsObject, IsUUID, Min } from 'class-validator';
import { BaseCommand } from '../../base-command';
import type { AuditActor, PlanChanges } from '../../plan-status';

export class ActivatePlanCommand extends BaseCommand {
  @IsObject()
  actor!: AuditActor;

  @IsUUID()
  planId!: string;

  /** The version the client read (If-Match). */
  @IsInt() @Min(0)
  version!: number;

  /** Other fields of the same request, already checked by the caller. */
  @IsObject()
  changes!: PlanChanges;
}
