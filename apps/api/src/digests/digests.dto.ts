import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '../common/validators';
import type { MeetingCalendar } from '@app/domain';
import { FieldWarningDto, MeetingCalendarDto, MeetingTimeDto, ScheduleRunDto } from '../dialogue-board/dto/check-in-schedule.dto';

export class DigestIssueSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '2027-03' }) month!: string;
  @ApiProperty({ example: 'es' }) language!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() composedAt!: string;
}

export class DigestSendDto {
  @ApiProperty() planId!: string;
  @ApiProperty({ example: '2027-03' }) month!: string;
  @ApiProperty({ enum: ['running', 'paused', 'cancelled', 'completed'] }) status!: string;
  @ApiProperty({ description: 'Confirmed subscribers when the send started' }) total!: number;
  @ApiProperty() sent!: number;
  @ApiProperty({ description: 'Unsubscribed or bounced since the send started' }) skipped!: number;
  @ApiProperty({ description: 'Refused permanently (5xx) or unconfirmed (delivery unknown, not sent again): see the outbox' }) failed!: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

/** Creates or replaces a plan's digest settings: when the monthly digest goes out. */
export class PutDigestScheduleDto {
  @ApiProperty({ type: MeetingCalendarDto, description: "In the jurisdiction's zone; the 1st of each month at 09:00 is { dayOfMonth: [{ start: 1 }], hour: [{ start: 9 }], minute: [{ start: 0 }] }" })
  @IsDefined() @ValidateNested() @Type(() => MeetingCalendarDto)
  calendar!: MeetingCalendarDto;

  @ApiPropertyOptional({ description: 'Keep (or put) the schedule paused; default false on creation, unchanged on replacement' })
  @IsOptionalNotNull() @IsBoolean()
  paused?: boolean;
}

/** A plan's digest settings with its Temporal Schedule as the engine shows it. */
export class DigestScheduleDto {
  @ApiProperty({ description: "The plan's id: a plan has one digest schedule" }) id!: string;
  @ApiProperty() planId!: string;
  @ApiProperty({ example: 'digest-…' }) scheduleId!: string;
  @ApiProperty({ type: MeetingCalendarDto }) calendar!: MeetingCalendar;
  @ApiProperty({ example: 'America/Argentina/Cordoba', description: "The jurisdiction's zone, in which the calendar is read" }) timeZone!: string;
  @ApiProperty({ description: 'The coordinator paused it: no digest goes out until resumed' }) paused!: boolean;
  @ApiProperty({
    enum: ['running', 'paused', 'not_active', 'missing'],
    description: 'The Temporal Schedule: running or paused; not_active: the plan is not active; missing: the engine has no schedule yet (housekeeping creates it, or POST .../trigger does at once)',
  })
  state!: 'running' | 'paused' | 'not_active' | 'missing';
  @ApiProperty({ nullable: true, type: String, description: "The schedule's note in Temporal" }) note!: string | null;
  @ApiProperty({ type: [MeetingTimeDto], description: 'The next five runs (none while paused or not running)' }) nextRuns!: MeetingTimeDto[];
  @ApiProperty({ type: [ScheduleRunDto], description: 'Runs the schedule started most recently, oldest first' }) recentRuns!: ScheduleRunDto[];
  @ApiProperty() version!: number;
  @ApiProperty({ type: [FieldWarningDto], description: 'Saved, but the engine could not be told yet (housekeeping finishes it)' }) warnings!: FieldWarningDto[];
}

export class DigestScheduleDeletedDto {
  @ApiProperty() planId!: string;
  @ApiProperty({ type: [FieldWarningDto] }) warnings!: FieldWarningDto[];
}
