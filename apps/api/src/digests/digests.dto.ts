import { ApiProperty } from '@nestjs/swagger';

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
