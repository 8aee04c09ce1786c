import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { SUPPORTED_LANGUAGES } from '@app/domain';
import type { AgencyEntity, DialogueBoardMemberEntity } from '@app/persistence';

export class CreateAgencyDto {
  @ApiProperty({ example: 'Secretariat of Modernization and Proximity' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'modernizacion@rosario.example', description: 'Receives evidence requests and reminders' })
  @IsEmail()
  @MaxLength(254)
  contactEmail!: string;

  @ApiPropertyOptional({ example: 'María Pérez' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  contactName?: string;

  @ApiProperty({ enum: SUPPORTED_LANGUAGES, description: 'Language of the emails the agency receives' })
  @IsIn(SUPPORTED_LANGUAGES)
  language!: string;
}

export class AgencyDto {
  @ApiProperty() id!: string;
  @ApiProperty() jurisdictionId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() contactEmail!: string;
  @ApiProperty({ nullable: true, type: String }) contactName!: string | null;
  @ApiProperty({ enum: SUPPORTED_LANGUAGES }) language!: string;
}

export function mapAgency(a: AgencyEntity): AgencyDto {
  return { id: a.id, jurisdictionId: a.jurisdictionId, name: a.name, contactEmail: a.contactEmail, contactName: a.contactName, language: a.language };
}

export class CreateDialogueBoardMemberDto {
  @ApiProperty({ example: 'Ana Gómez' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'Colectivo Ciudadano para el Gobierno Abierto' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  organisation!: string;

  @ApiPropertyOptional({ example: 'ana@colectivo.example' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
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
