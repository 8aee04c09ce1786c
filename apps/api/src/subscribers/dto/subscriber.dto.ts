import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { SUPPORTED_LANGUAGES, SUBSCRIBER_STATUSES } from '@app/domain';
import type { ConsentSource, Language, SubscriberStatus } from '@app/domain';

/** More than a plan's five commitments leaves room for cancelled ones; anything beyond is abuse. */
const MAX_TOPICS = 20;

/** A form field sent once is a string, several times an array: always an array here. */
const asArray = ({ value }: { value: unknown }) => (value === undefined || value === null || value === '' ? undefined : Array.isArray(value) ? value : [value]);

export class SubscribeDto {
  @ApiProperty({ example: 'vecina@example.org', description: 'Personal data: kept for the digest only, never shown publicly' })
  @IsString() @MaxLength(254) @IsEmail({ allow_display_name: false, require_tld: true }, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty({ enum: SUPPORTED_LANGUAGES, example: 'es' })
  @IsIn(SUPPORTED_LANGUAGES)
  language!: Language;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Commitments to follow; leave out (or empty) for the whole plan' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_TOPICS) @IsUUID('all', { each: true })
  commitmentIds?: string[];
}

/** The same answer whether or not the address was known: nothing about it leaks. */
export class SubscriptionAcceptedDto {
  @ApiProperty({ example: 'accepted' }) status!: 'accepted';
  @ApiProperty() detail!: string;
}

/** The preferences form (application/x-www-form-urlencoded). */
export class PreferencesFormDto {
  @ApiProperty({ enum: SUPPORTED_LANGUAGES })
  @IsIn(SUPPORTED_LANGUAGES)
  language!: Language;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Checked commitments; none: the whole plan' })
  @IsOptional() @Transform(asArray) @IsArray() @ArrayMaxSize(MAX_TOPICS) @IsUUID('all', { each: true })
  commitmentIds?: string[];
}

export class SubscriberEmailDto {
  @ApiProperty({ example: 'vecina@example.org' })
  @IsString() @MaxLength(254) @IsEmail({ allow_display_name: false, require_tld: true }, { message: 'email must be an email address' })
  email!: string;
}

export class SubscriberSummaryDto {
  @ApiProperty() planId!: string;
  @ApiProperty() total!: number;
  @ApiProperty({ type: Object, example: { pending: 2, confirmed: 40, unsubscribed: 3, bounced: 1 } }) byStatus!: Record<SubscriberStatus, number>;
  @ApiProperty({ type: Object, description: 'Confirmed subscribers per language', example: { es: 30, en: 10 } }) byLanguage!: Record<string, number>;
  @ApiProperty({ description: 'Confirmed subscribers following the whole plan (the rest chose commitments)' }) wholePlan!: number;
}

export class SubscriberCommitmentDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
}

export class SubscriberRecordDto {
  @ApiProperty() id!: string;
  @ApiProperty() planId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() language!: string;
  @ApiProperty({ type: [SubscriberCommitmentDto] }) commitments!: SubscriberCommitmentDto[];
  @ApiProperty({ enum: SUBSCRIBER_STATUSES }) status!: SubscriberStatus;
  @ApiProperty({ enum: ['form', 'import'] }) consentSource!: ConsentSource;
  @ApiProperty({ nullable: true, type: String }) consentedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmationSentAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) unsubscribedAt!: string | null;
  @ApiProperty() bounceCount!: number;
  @ApiProperty({ nullable: true, type: String }) lastBounceAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class SubscriberEmailRecordDto {
  @ApiProperty() idempotencyKey!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() status!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
}

/** Everything the system holds about one address in one plan (a subject access request). */
export class SubscriberExportDto {
  @ApiProperty({ type: SubscriberRecordDto }) subscriber!: SubscriberRecordDto;
  @ApiProperty({ type: [SubscriberEmailRecordDto] }) emails!: SubscriberEmailRecordDto[];
}

export class SubscriberErasedDto {
  @ApiProperty() planId!: string;
  @ApiProperty() erased!: boolean;
  @ApiProperty({ description: 'Outbox messages whose recipient was replaced by a placeholder' }) outboxMessagesRedacted!: number;
}
