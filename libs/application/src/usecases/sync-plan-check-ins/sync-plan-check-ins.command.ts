import { IsUUID } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class SyncPlanCheckInsCommand extends BaseCommand {
  @IsUUID()
  planId!: string;
}
