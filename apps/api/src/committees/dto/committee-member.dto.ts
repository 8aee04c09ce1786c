import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import type { FollowUpCommitteeMemberEntity } from '@app/persistence';

const MEMBER_KINDS = ['government_referent', 'dialogue_board_member'] as const;

export class CreateCommitteeMemberDto {
  @ApiProperty({ enum: MEMBER_KINDS })
  @IsIn(MEMBER_KINDS)
  kind!: (typeof MEMBER_KINDS)[number];

  @ApiPropertyOptional({ description: 'For Dialogue Board members: the member of the board (name and organisation are taken from it)' })
  @ValidateIf((o: CreateCommitteeMemberDto) => o.kind === 'dialogue_board_member' || o.dialogueBoardMemberId !== undefined)
  @IsUUID()
  dialogueBoardMemberId?: string;

  @ApiPropertyOptional({ description: 'Required for government referents' })
  @ValidateIf((o: CreateCommitteeMemberDto) => o.kind === 'government_referent' || o.name !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  organisation?: string;

  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254)
  email?: string;
}

export class CommitteeMemberDto {
  @ApiProperty() id!: string;
  @ApiProperty() commitmentId!: string;
  @ApiProperty({ enum: MEMBER_KINDS }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) organisation!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) dialogueBoardMemberId!: string | null;
}

export function mapCommitteeMember(m: FollowUpCommitteeMemberEntity): CommitteeMemberDto {
  return { id: m.id, commitmentId: m.commitmentId, kind: m.kind, name: m.name, organisation: m.organisation, email: m.email, dialogueBoardMemberId: m.dialogueBoardMemberId };
}
