import { ActionItemEntity } from './action-item.entity';
import { ActionPlanEntity } from './action-plan.entity';
import { AgencyEntity } from './agency.entity';
import { ApiTokenEntity } from './api-token.entity';
import { AuditEventEntity } from './audit-event.entity';
import { CheckInScheduleEntity } from './check-in-schedule.entity';
import { CheckInEntity } from './check-in.entity';
import { CommitmentAssessmentEntity } from './commitment-assessment.entity';
import { CommitmentEntity } from './commitment.entity';
import { DigestIssueEntity } from './digest-issue.entity';
import { DigestScheduleEntity } from './digest-schedule.entity';
import { DigestSendEntity } from './digest-send.entity';
import { DialogueBoardMemberEntity } from './dialogue-board-member.entity';
import { EscalationEntity } from './escalation.entity';
import { EvidenceFileEntity } from './evidence-file.entity';
import { EvidenceRequestEntity } from './evidence-request.entity';
import { EvidenceReviewEntity } from './evidence-review.entity';
import { EvidenceEntity } from './evidence.entity';
import { FollowUpCommitteeMemberEntity } from './follow-up-committee-member.entity';
import { IdempotencyRecordEntity } from './idempotency-record.entity';
import { JurisdictionEntity } from './jurisdiction.entity';
import { MilestoneReplanningEntity } from './milestone-replanning.entity';
import { MilestoneEntity } from './milestone.entity';
import { OutboxMessageEntity } from './outbox-message.entity';
import { SubscriberEntity } from './subscriber.entity';

export * from './action-item.entity';
export * from './action-plan.entity';
export * from './agency.entity';
export * from './api-token.entity';
export * from './audit-event.entity';
export * from './check-in-schedule.entity';
export * from './check-in.entity';
export * from './commitment-assessment.entity';
export * from './commitment.entity';
export * from './contact';
export * from './dialogue-board-member.entity';
export * from './digest-issue.entity';
export * from './digest-schedule.entity';
export * from './digest-send.entity';
export * from './escalation.entity';
export * from './evidence-file.entity';
export * from './evidence-request.entity';
export * from './evidence-review.entity';
export * from './evidence.entity';
export * from './follow-up-committee-member.entity';
export * from './idempotency-record.entity';
export * from './jurisdiction.entity';
export * from './milestone-replanning.entity';
export * from './milestone.entity';
export * from './outbox-message.entity';
export * from './subscriber.entity';

export const ENTITIES = [
  JurisdictionEntity,
  AgencyEntity,
  DialogueBoardMemberEntity,
  ActionPlanEntity,
  CommitmentEntity,
  FollowUpCommitteeMemberEntity,
  CommitmentAssessmentEntity,
  MilestoneEntity,
  MilestoneReplanningEntity,
  EvidenceRequestEntity,
  EvidenceEntity,
  EvidenceFileEntity,
  EvidenceReviewEntity,
  EscalationEntity,
  OutboxMessageEntity,
  AuditEventEntity,
  ApiTokenEntity,
  IdempotencyRecordEntity,
  CheckInScheduleEntity,
  CheckInEntity,
  ActionItemEntity,
  DigestScheduleEntity,
  DigestIssueEntity,
  DigestSendEntity,
  SubscriberEntity,
];
