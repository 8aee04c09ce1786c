import { ActionPlanEntity } from './action-plan.entity';
import { AgencyEntity } from './agency.entity';
import { CommitmentEntity } from './commitment.entity';
import { DialogueBoardMemberEntity } from './dialogue-board-member.entity';
import { EvidenceRequestEntity } from './evidence-request.entity';
import { EvidenceEntity } from './evidence.entity';
import { JurisdictionEntity } from './jurisdiction.entity';
import { MilestoneEntity } from './milestone.entity';
import { OutboxMessageEntity } from './outbox-message.entity';

export * from './action-plan.entity';
export * from './agency.entity';
export * from './commitment.entity';
export * from './dialogue-board-member.entity';
export * from './evidence-request.entity';
export * from './evidence.entity';
export * from './jurisdiction.entity';
export * from './milestone.entity';
export * from './outbox-message.entity';

export const ENTITIES = [
  JurisdictionEntity,
  AgencyEntity,
  DialogueBoardMemberEntity,
  ActionPlanEntity,
  CommitmentEntity,
  MilestoneEntity,
  EvidenceRequestEntity,
  EvidenceEntity,
  OutboxMessageEntity,
];
