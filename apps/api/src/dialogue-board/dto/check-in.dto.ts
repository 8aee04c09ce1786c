import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ActionItemStatus, AgendaItemKind, AgendaLink, CheckInStatus, isActionItemOverdue, localDateTime, MeetingMode, SUPPORTED_LANGUAGES } from '@app/domain';
import type { AgendaItem } from '@app/domain';
import type { ActionItemEntity, CheckInEntity } from '@app/persistence';
import { actionItemWorkflowId, checkInWorkflowId } from '@app/workflows';
import { PageQueryDto } from '../../common/pagination';
import { IsOptionalNotNull } from '../../common/validators';
import { FieldWarningDto } from './check-in-schedule.dto';

/** Every kind of agenda item (the domain's AgendaItemKind, listed for validation). */
export const AGENDA_ITEM_KINDS = ['milestones_due_soon', 'milestones_overdue', 'evidence_under_review', 'open_escalations', 'replannings', 'open_action_items', 'other'] as const satisfies readonly AgendaItemKind[];
/** Every type of agenda link (the domain's AgendaLink['type']). */
export const AGENDA_LINK_TYPES = ['commitment', 'milestone', 'evidence', 'escalation', 'replanning', 'action_item', 'check_in'] as const satisfies readonly AgendaLink['type'][];
/** The longest agenda item, in minutes. */
export const MAX_AGENDA_ITEM_MINUTES = 240;

export class AgendaLinkDto implements AgendaLink {
  @ApiProperty({ enum: AGENDA_LINK_TYPES })
  @IsIn(AGENDA_LINK_TYPES)
  type!: AgendaLink['type'];

  @ApiProperty({ description: 'The id of what the item concerns, in this system' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'Participation tools evaluation report published' })
  @IsString() @IsNotEmpty() @MaxLength(300)
  label!: string;
}

export class AgendaItemDto implements AgendaItem {
  @ApiProperty({ enum: AGENDA_ITEM_KINDS })
  @IsIn(AGENDA_ITEM_KINDS)
  kind!: AgendaItemKind;

  @ApiProperty({ example: 'Milestones due in the next 30 days: open data' })
  @IsString() @IsNotEmpty() @MaxLength(300)
  title!: string;

  @ApiProperty({ minimum: 1, maximum: MAX_AGENDA_ITEM_MINUTES, example: 15 })
  @IsInt() @Min(1) @Max(MAX_AGENDA_ITEM_MINUTES)
  durationMinutes!: number;

  @ApiPropertyOptional({ nullable: true, type: String, description: "The commitment the item is about (one of the plan's); null for the whole plan" })
  @IsOptional() @IsUUID()
  commitmentId!: string | null;

  @ApiProperty({ type: [AgendaLinkDto] })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AgendaLinkDto)
  links!: AgendaLinkDto[];
}

export class PutAgendaDto {
  @ApiProperty({ type: [AgendaItemDto], description: 'The whole agenda, in order; it is no longer rebuilt from the plan once edited' })
  @IsDefined() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AgendaItemDto)
  items!: AgendaItemDto[];
}

/** Moves a check-in or changes its place: the invitations get an update (SEQUENCE raised). */
export class UpdateCheckInDto {
  @ApiPropertyOptional({ example: '2027-04-13T21:00:00Z' })
  @IsOptionalNotNull() @IsISO8601({ strict: true }) @MaxLength(40)
  startsAt?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1440 })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(1440)
  durationMinutes?: number;

  @ApiPropertyOptional({ enum: MeetingMode })
  @IsOptionalNotNull() @IsIn(Object.values(MeetingMode))
  mode?: MeetingMode;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it (allowed when the mode needs no address)' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it (allowed when the mode needs no link)' })
  @IsOptional() @IsString() @MaxLength(2000) @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  onlineUrl?: string | null;
}

export class CancelCheckInDto {
  @ApiProperty({ example: 'Municipal strike: the meeting moves to next month' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason!: string;
}

export class NewActionItemDto {
  @ApiProperty({ example: 'Publish the procurement calendar' })
  @IsString() @IsNotEmpty() @MaxLength(300)
  title!: string;

  @ApiProperty({ example: 'Ana Gómez' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  ownerName!: string;

  @ApiProperty({ example: 'ana@colectivo.example', description: 'Personal data: never public' })
  @IsEmail() @MaxLength(254)
  ownerEmail!: string;

  @ApiProperty({ enum: SUPPORTED_LANGUAGES })
  @IsIn(SUPPORTED_LANGUAGES)
  ownerLanguage!: string;

  @ApiProperty({ example: '2027-05-01T21:00:00Z', description: 'After the meeting started' })
  @IsISO8601({ strict: true }) @MaxLength(40)
  dueAt!: string;

  @ApiPropertyOptional({ description: "One of the plan's commitments" })
  @IsOptional() @IsUUID()
  commitmentId?: string;

  @ApiPropertyOptional({ description: "One of the plan's milestones (of commitmentId when both are given)" })
  @IsOptional() @IsUUID()
  milestoneId?: string;
}

/** The closing report of a meeting that has started. */
export class CloseCheckInDto {
  @ApiProperty({ example: 'The board reviewed the overdue milestones of commitment 2…' })
  @IsString() @IsNotEmpty() @MaxLength(50_000)
  minutes!: string;

  @ApiProperty({ minimum: 0, example: 14 })
  @IsInt() @Min(0) @Max(100_000)
  attendanceCount!: number;

  @ApiProperty({ type: [String], example: ['Colectivo Ciudadano', 'PoliLab UNR'] })
  @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(200, { each: true })
  organisationsPresent!: string[];

  @ApiProperty({ type: [String], example: ['Commitment 2 replans its second milestone to June'] })
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(2000, { each: true })
  decisions!: string[];

  @ApiProperty({ type: [NewActionItemDto] })
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => NewActionItemDto)
  actionItems!: NewActionItemDto[];
}

export class CloseActionItemDto {
  @ApiPropertyOptional({ example: 'Published on the open data portal' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000)
  note?: string;
}

export class ListCheckInsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CheckInStatus })
  @IsOptional() @IsIn(Object.values(CheckInStatus))
  status?: CheckInStatus;
}

export const ACTION_ITEM_FILTERS = ['open', 'closed', 'overdue'] as const;
export class ListActionItemsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ACTION_ITEM_FILTERS, description: 'overdue: open and past its due date' })
  @IsOptional() @IsIn(ACTION_ITEM_FILTERS)
  status?: (typeof ACTION_ITEM_FILTERS)[number];
}

export class ActionItemDto {
  @ApiProperty() id!: string;
  @ApiProperty() checkInId!: string;
  @ApiProperty() planId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() ownerName!: string;
  @ApiProperty() ownerEmail!: string;
  @ApiProperty({ enum: SUPPORTED_LANGUAGES }) ownerLanguage!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ nullable: true, type: String }) commitmentId!: string | null;
  @ApiProperty({ nullable: true, type: String }) milestoneId!: string | null;
  @ApiProperty({ enum: ActionItemStatus }) status!: string;
  @ApiProperty({ description: 'Open and past its due date' }) overdue!: boolean;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closingNote!: string | null;
  @ApiProperty({ example: 'action-item-…' }) workflowId!: string;
  @ApiProperty() version!: number;
}

export class ActionItemWriteResultDto extends ActionItemDto {
  @ApiProperty({ type: [FieldWarningDto] }) warnings!: FieldWarningDto[];
}

export class CheckInDto {
  @ApiProperty() id!: string;
  @ApiProperty() planId!: string;
  @ApiProperty({ description: 'The calendar occurrence the schedule prepared it for (never changes)' }) scheduledFor!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty({ example: '2027-04-06T18:00:00-03:00', description: "startsAt in the jurisdiction's local time" }) startsAtLocal!: string;
  @ApiProperty({ example: 'America/Argentina/Cordoba' }) timeZone!: string;
  @ApiProperty() durationMinutes!: number;
  @ApiProperty({ enum: MeetingMode }) mode!: string;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) onlineUrl!: string | null;
  @ApiProperty({ enum: CheckInStatus }) status!: string;
  @ApiProperty({ description: 'iCalendar SEQUENCE of the invitation, raised on every change of date, place or status' }) sequence!: number;
  @ApiProperty({ type: [AgendaItemDto] }) agenda!: AgendaItem[];
  @ApiProperty({ nullable: true, type: String, description: 'Set once the coordinator edited the agenda' }) agendaEditedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) invitationsSentAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The closing report (once closed)' }) minutes!: string | null;
  @ApiProperty({ nullable: true, type: Number }) attendanceCount!: number | null;
  @ApiProperty({ type: [String] }) organisationsPresent!: string[];
  @ApiProperty({ type: [String] }) decisions!: string[];
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Minutes are public once approved' }) minutesApprovedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledReason!: string | null;
  @ApiProperty({ example: 'check-in-…' }) workflowId!: string;
  @ApiProperty() version!: number;
}

export class CheckInDetailDto extends CheckInDto {
  @ApiProperty({ type: [ActionItemDto], description: 'The action items this check-in decided' }) actionItems!: ActionItemDto[];
}

export class CheckInWriteResultDto extends CheckInDetailDto {
  @ApiProperty({ type: [FieldWarningDto], description: 'Saved, but the workflow engine could not be told yet' }) warnings!: FieldWarningDto[];
}

export function mapCheckIn(c: CheckInEntity, timeZone: string): CheckInDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: c.id,
    planId: c.planId,
    scheduledFor: c.scheduledFor.toISOString(),
    startsAt: c.startsAt.toISOString(),
    startsAtLocal: localDateTime(c.startsAt, timeZone),
    timeZone,
    durationMinutes: c.durationMinutes,
    mode: c.mode,
    address: c.address,
    onlineUrl: c.onlineUrl,
    status: c.status,
    sequence: c.sequence,
    agenda: c.agenda,
    agendaEditedAt: iso(c.agendaEditedAt),
    invitationsSentAt: iso(c.invitationsSentAt),
    minutes: c.minutes,
    attendanceCount: c.attendanceCount,
    organisationsPresent: c.organisationsPresent,
    decisions: c.decisions,
    closedAt: iso(c.closedAt),
    minutesApprovedAt: iso(c.minutesApprovedAt),
    cancelledReason: c.cancelledReason,
    workflowId: checkInWorkflowId(c.id),
    version: c.version,
  };
}

export function mapActionItem(a: ActionItemEntity, now: Date): ActionItemDto {
  return {
    id: a.id,
    checkInId: a.checkInId,
    planId: a.planId,
    title: a.title,
    ownerName: a.ownerName,
    ownerEmail: a.ownerEmail,
    ownerLanguage: a.ownerLanguage,
    dueAt: a.dueAt.toISOString(),
    commitmentId: a.commitmentId,
    milestoneId: a.milestoneId,
    status: a.status,
    overdue: isActionItemOverdue(a, now),
    closedAt: a.closedAt ? a.closedAt.toISOString() : null,
    closingNote: a.closingNote,
    workflowId: actionItemWorkflowId(a.id),
    version: a.version,
  };
}
