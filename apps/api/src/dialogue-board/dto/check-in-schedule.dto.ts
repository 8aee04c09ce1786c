import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { checkMeetingCalendar, MAX_MEETING_DURATION_MINUTES, MeetingMode } from '@app/domain';
import type { CalendarField, CheckInPolicy, DayOfWeek, MeetingCalendar } from '@app/domain';
import { IsOptionalNotNull } from '../../common/validators';

const MAX_SECONDS = 10 * 365 * 24 * 3600;

/** What a meeting's mode needs: an address to attend in person, a URL to attend online (hybrid: both). */
export function placeNeeds(mode: MeetingMode): { address: boolean; onlineUrl: boolean } {
  return { address: mode !== MeetingMode.Online, onlineUrl: mode !== MeetingMode.InPerson };
}

/** The place fields a mode needs and lacks, named as the client sends them. */
export function missingPlace(place: { mode: MeetingMode; address: string | null; onlineUrl: string | null }): { field: string; message: string }[] {
  const needs = placeNeeds(place.mode);
  const missing: { field: string; message: string }[] = [];
  if (needs.address && !place.address) missing.push({ field: 'address', message: `address is required when mode is ${place.mode}` });
  if (needs.onlineUrl && !place.onlineUrl) missing.push({ field: 'onlineUrl', message: `onlineUrl is required when mode is ${place.mode}` });
  return missing;
}

/**
 * One field of a meeting calendar, checked by the domain's rule (checkMeetingCalendar) on its own, so
 * the error names it (`calendar.hour`) and no second copy of the bounds exists here.
 */
@ValidatorConstraint({ name: 'meetingCalendarField' })
class MeetingCalendarField implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return violationsOf(args.property, value).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return violationsOf(args.property, args.value).map((v) => v.message).join('; ') || `${args.property} is not valid`;
  }
}

function violationsOf(property: string, value: unknown) {
  const probe = { minute: '*', hour: '*', [property]: value } as unknown as MeetingCalendar;
  return checkMeetingCalendar(probe).filter((v) => v.field === `calendar.${property}`);
}

const rangeSchema = {
  oneOf: [
    { type: 'string', enum: ['*'] },
    { type: 'array', items: { type: 'object', properties: { start: { type: 'integer' }, end: { type: 'integer' }, step: { type: 'integer', minimum: 1 } }, required: ['start'] } },
  ],
};

/** When the Dialogue Board meets, in the jurisdiction's local time (see MeetingCalendar). */
export class MeetingCalendarDto implements MeetingCalendar {
  @ApiPropertyOptional({ ...rangeSchema, description: "Seconds 0-59; default [{ start: 0 }]. A test meets every 20 s with [{ start: 0, end: 59, step: 20 }] and minute/hour '*'" })
  @IsOptionalNotNull() @Validate(MeetingCalendarField)
  second?: CalendarField;

  @ApiProperty({ ...rangeSchema, description: 'Minutes 0-59', example: [{ start: 0 }] })
  @IsDefined() @Validate(MeetingCalendarField)
  minute!: CalendarField;

  @ApiProperty({ ...rangeSchema, description: 'Hours 0-23 (local time; avoid 00:00-03:00, where daylight saving skips or repeats hours)', example: [{ start: 18 }] })
  @IsDefined() @Validate(MeetingCalendarField)
  hour!: CalendarField;

  @ApiPropertyOptional({ ...rangeSchema, description: "Days 1-31; default '*'. The first Tuesday: [{ start: 1, end: 7 }] with dayOfWeek ['TUESDAY']", example: [{ start: 1, end: 7 }] })
  @IsOptionalNotNull() @Validate(MeetingCalendarField)
  dayOfMonth?: CalendarField;

  @ApiPropertyOptional({ ...rangeSchema, description: "Months 1-12; default '*'" })
  @IsOptionalNotNull() @Validate(MeetingCalendarField)
  month?: CalendarField;

  @ApiPropertyOptional({ oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: { type: 'string', enum: ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] } }], example: ['TUESDAY'] })
  @IsOptionalNotNull() @Validate(MeetingCalendarField)
  dayOfWeek?: DayOfWeek[] | '*';
}

/** Any field left out takes its default (DEFAULT_CHECK_IN_POLICY). */
export class CheckInPolicyDto implements Partial<CheckInPolicy> {
  @ApiPropertyOptional({ description: 'Length of a meeting, in minutes', example: 120 })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_MEETING_DURATION_MINUTES)
  durationMinutes?: number;

  @ApiPropertyOptional({ description: 'Seconds before the meeting the invitations go out (the agenda can be edited until then)', example: 604800 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  invitationLeadSeconds?: number;

  @ApiPropertyOptional({ description: 'Seconds after its start a check-in not closed reminds the coordinator', example: 259200 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  closeReminderAfterSeconds?: number;

  @ApiPropertyOptional({ description: "Seconds before its due date an action item's owner is reminded", example: 259200 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  actionItemReminderLeadSeconds?: number;

  @ApiPropertyOptional({ description: 'The agenda lists milestones due within this many seconds after the meeting is prepared', example: 2592000 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECONDS)
  upcomingWindowSeconds?: number;
}

/** Creates or replaces a plan's check-in settings (a policy field left out takes its default). */
export class PutCheckInScheduleDto {
  @ApiProperty({ type: MeetingCalendarDto })
  @IsDefined() @ValidateNested() @Type(() => MeetingCalendarDto)
  calendar!: MeetingCalendarDto;

  @ApiProperty({ enum: MeetingMode, description: 'in_person needs address, online needs onlineUrl, hybrid both' })
  @IsIn(Object.values(MeetingMode))
  mode!: MeetingMode;

  @ApiPropertyOptional({ example: 'Palacio Municipal, Buenos Aires 711, Rosario', nullable: true, type: String })
  @ValidateIf((o: PutCheckInScheduleDto) => placeNeeds(o.mode).address || (o.address !== undefined && o.address !== null))
  @IsString() @IsNotEmpty() @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional({ example: 'https://meet.example/dialogue-board', nullable: true, type: String })
  @ValidateIf((o: PutCheckInScheduleDto) => placeNeeds(o.mode).onlineUrl || (o.onlineUrl !== undefined && o.onlineUrl !== null))
  @IsString() @MaxLength(2000) @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  onlineUrl?: string | null;

  @ApiPropertyOptional({ type: CheckInPolicyDto })
  @IsOptional() @ValidateNested() @Type(() => CheckInPolicyDto)
  policy?: CheckInPolicyDto;
}

export class ScheduleNoteDto {
  @ApiPropertyOptional({ example: 'Summer recess', description: 'Shown on the schedule in Temporal' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500)
  note?: string;
}

export class MeetingTimeDto {
  @ApiProperty({ example: '2027-04-06T21:00:00.000Z', description: 'UTC' }) at!: string;
  @ApiProperty({ example: '2027-04-06T18:00:00-03:00', description: "Local date and time in the jurisdiction's zone, with the offset in force then" }) local!: string;
  @ApiProperty({ example: 'America/Argentina/Cordoba' }) timeZone!: string;
}

export class ScheduleRunDto {
  @ApiProperty() scheduledAt!: string;
  @ApiProperty({ example: 'dialogue-board-…-2027-04-06T21:00:00Z' }) workflowId!: string;
}

export class FieldWarningDto {
  @ApiProperty() field!: string;
  @ApiProperty() message!: string;
}

/** A plan's check-in settings with its Temporal Schedule as the engine shows it. */
export class CheckInScheduleDto {
  @ApiProperty({ description: "The plan's id: a plan has one check-in schedule" }) id!: string;
  @ApiProperty() planId!: string;
  @ApiProperty({ example: 'dialogue-board-…' }) scheduleId!: string;
  @ApiProperty({ type: MeetingCalendarDto }) calendar!: MeetingCalendar;
  @ApiProperty({ example: 'America/Argentina/Cordoba', description: "The jurisdiction's zone, in which the calendar is read" }) timeZone!: string;
  @ApiProperty({ enum: MeetingMode }) mode!: MeetingMode;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) onlineUrl!: string | null;
  @ApiProperty({ type: CheckInPolicyDto }) policy!: CheckInPolicy;
  @ApiProperty({ description: 'The coordinator paused it: no meeting is prepared until resumed' }) paused!: boolean;
  @ApiProperty({
    enum: ['running', 'paused', 'not_active', 'missing'],
    description:
      "The Temporal Schedule: running or paused; not_active: the plan is not active, so no schedule runs; missing: the plan is active but the engine has no schedule yet (it was unreachable when the settings were saved; housekeeping creates it on its next run, or POST .../trigger does at once)",
  })
  state!: 'running' | 'paused' | 'not_active' | 'missing';
  @ApiProperty({ nullable: true, type: String, description: "The schedule's note in Temporal" }) note!: string | null;
  @ApiProperty({ type: [MeetingTimeDto], description: 'The next five meetings (none while paused or not running)' }) nextMeetings!: MeetingTimeDto[];
  @ApiProperty({ type: [ScheduleRunDto], description: 'Runs the schedule started most recently, oldest first' }) recentRuns!: ScheduleRunDto[];
  @ApiProperty() version!: number;
  @ApiProperty({ type: [FieldWarningDto], description: 'Saved, but the engine could not be told yet (housekeeping finishes it)' }) warnings!: FieldWarningDto[];
}
