import { ApiProperty } from '@nestjs/swagger';
import type { DigestContent } from '@app/domain';
import { PlanProgressDto } from '../plans/dto/progress.dto';

/** Published data only: no contacts, no e-mail addresses, no tokens. */
export class PublicJurisdictionDto {
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() country!: string;
  @ApiProperty() defaultLanguage!: string;
}

export class PublicPlanSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty() status!: string;
}

/** A due-date change as the public sees it: when, from, to and why (not who: token labels may name people). */
export class PublicReplanningDto {
  @ApiProperty() previousDueAt!: string;
  @ApiProperty() newDueAt!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() changedAt!: string;
}

export class PublicAssessmentDto {
  @ApiProperty({ enum: ['government', 'imb'] }) assessor!: string;
  @ApiProperty() completion!: string;
  @ApiProperty({ nullable: true, type: String }) potentialForResults!: string | null;
  @ApiProperty({ nullable: true, type: String }) didItOpenGovernment!: string | null;
  @ApiProperty() narrative!: string;
  @ApiProperty() assessedAt!: string;
}

export class PublicAssessmentsDto {
  @ApiProperty({ type: PublicAssessmentDto, nullable: true }) government!: PublicAssessmentDto | null;
  @ApiProperty({ type: PublicAssessmentDto, nullable: true }) imb!: PublicAssessmentDto | null;
  @ApiProperty({ type: [PublicAssessmentDto] }) history!: PublicAssessmentDto[];
}

export class PublicMilestoneDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) expectedOutput!: string | null;
  @ApiProperty() responsibleAgency!: string;
  @ApiProperty() startAt!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty() originalDueAt!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: String }) completion!: string | null;
  @ApiProperty() verifiable!: boolean;
  @ApiProperty({ type: [PublicReplanningDto] }) replanning!: PublicReplanningDto[];
}

export class PublicCommitmentDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() leadAgency!: string;
  @ApiProperty({ type: [String] }) supportingStakeholders!: string[];
  @ApiProperty({ type: [String] }) ogpValues!: string[];
  @ApiProperty({ nullable: true, type: String }) challengeArea!: string | null;
  @ApiProperty({ type: [Number] }) sdgTags!: number[];
  @ApiProperty() status!: string;
  @ApiProperty({ type: PublicAssessmentsDto, description: "The government's self-assessment and the IMB's, kept apart" }) assessments!: PublicAssessmentsDto;
  @ApiProperty({ type: [PublicMilestoneDto] }) milestones!: PublicMilestoneDto[];
}

export class PublicPlanDto {
  @ApiProperty() id!: string;
  @ApiProperty() jurisdiction!: string;
  @ApiProperty() title!: string;
  @ApiProperty() periodStart!: string;
  @ApiProperty() periodEnd!: string;
  @ApiProperty() termEnd!: string;
  @ApiProperty({ nullable: true, type: String }) strategicVision!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: String }) independentMonitoringBody!: string | null;
  @ApiProperty({ type: [String] }) endorsingStakeholders!: string[];
  @ApiProperty({ type: PlanProgressDto }) progress!: PlanProgressDto;
  @ApiProperty({ type: [PublicCommitmentDto] }) commitments!: PublicCommitmentDto[];
}

export class PublicAgendaItemDto {
  @ApiProperty() title!: string;
  @ApiProperty() durationMinutes!: number;
}

export class PublicActionItemDto {
  @ApiProperty() title!: string;
  @ApiProperty() dueAt!: string;
}

/** A Dialogue Board check-in as the public sees it: no owners, no e-mail addresses. */
export class PublicCheckInDto {
  @ApiProperty() id!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty({ example: '2027-04-06T18:00:00-03:00' }) startsAtLocal!: string;
  @ApiProperty({ example: 'America/Argentina/Cordoba' }) timeZone!: string;
  @ApiProperty() durationMinutes!: number;
  @ApiProperty({ enum: ['in_person', 'online', 'hybrid'] }) mode!: string;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) onlineUrl!: string | null;
  @ApiProperty({ enum: ['scheduled', 'invited', 'closed', 'cancelled'] }) status!: string;
  @ApiProperty({ type: [PublicAgendaItemDto], description: 'Titles only' }) agenda!: PublicAgendaItemDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Once approved' }) minutes!: string | null;
  @ApiProperty({ nullable: true, type: String }) minutesApprovedAt!: string | null;
  @ApiProperty({ type: [String], description: 'Once the minutes are approved' }) decisions!: string[];
  @ApiProperty({ type: [PublicActionItemDto], description: 'Once the minutes are approved: the titles of the action items still open' }) openActionItems!: PublicActionItemDto[];
}

/** One archived digest issue (a month in one language). */
export class PublicDigestSummaryDto {
  @ApiProperty({ example: '2027-03' }) month!: string;
  @ApiProperty({ example: 'es' }) language!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() composedAt!: string;
}

/** A month's digest as archived: its subject and the composed facts; never the emailed text or HTML (they carry per-recipient links). */
export class PublicDigestIssueDto {
  @ApiProperty() planId!: string;
  @ApiProperty({ example: '2027-03' }) month!: string;
  @ApiProperty({ example: 'es', description: 'The language served: the one asked for when archived in it, else the jurisdiction’s default' }) language!: string;
  @ApiProperty({ type: [String], example: ['es', 'en'] }) availableLanguages!: string[];
  @ApiProperty() subject!: string;
  @ApiProperty() composedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The language-neutral digest (schema 1): plan progress (null = no evidence yet, not 0 %), per commitment the milestones completed, overdue, replanned (with reason) and escalated that month, decisions of check-ins with approved minutes, the next check-in',
  })
  content!: DigestContent;
}
