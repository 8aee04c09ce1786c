import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { SUPPORTED_LANGUAGES } from '@app/domain';
import type { DialogueBoardMemberEntity } from '@app/persistence';

export class CreateDialogueBoardMemberDto {
  @ApiProperty({ example: 'Ana Gómez' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'Colectivo Ciudadano para el Gobierno Abierto' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  organisation!: string;

  @ApiPropertyOptional({ example: 'ana@colectivo.example' })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string;

  @ApiProperty({ enum: SUPPORTED_LANGUAGES })
  @IsIn(SUPPORTED_LANGUAGES)
  language!: string;
}

export class DialogueBoardMemberDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() organisation!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ enum: SUPPORTED_LANGUAGES }) language!: string;
}

export function mapDialogueBoardMember(m: DialogueBoardMemberEntity): DialogueBoardMemberDto {
  return { id: m.id, name: m.name, organisation: m.organisation, email: m.email, language: m.language };
}
