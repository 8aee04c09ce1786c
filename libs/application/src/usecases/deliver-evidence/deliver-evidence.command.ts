import { IsUUID } from 'class-validator';
import { BaseCommand } from '../../base-command';

export class DeliverEvidenceCommand extends BaseCommand {
  @IsUUID()
  evidenceId!: string;
}
