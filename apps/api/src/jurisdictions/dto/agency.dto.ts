import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import { SUPPORTED_LANGUAGES } from '@app/domain';
import type { AgencyEntity } from '@app/persistence';
import { ContactDto } from '../../common/contact.dto';
import { IsOptionalNotNull } from '../../common/validators';

export class CreateAgencyDto {
  @ApiProperty({ example: 'Secretariat of Modernization and Proximity' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [ContactDto], description: 'Receive evidence requests and reminders (all of them)' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => ContactDto)
  contacts!: ContactDto[];

  @ApiProperty({ enum: SUPPORTED_LANGUAGES, description: 'Language of the emails the agency receives' })
  @IsIn(SUPPORTED_LANGUAGES)
  language!: string;
}

export class UpdateAgencyDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [ContactDto] })
  @IsOptionalNotNull() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => ContactDto)
  contacts?: ContactDto[];

  @ApiPropertyOptional({ enum: SUPPORTED_LANGUAGES })
  @IsOptionalNotNull() @IsIn(SUPPORTED_LANGUAGES)
  language?: string;
}

export class AgencyDto {
  @ApiProperty() id!: string;
  @ApiProperty() jurisdictionId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [ContactDto] }) contacts!: ContactDto[];
  @ApiProperty({ enum: SUPPORTED_LANGUAGES }) language!: string;
  @ApiProperty({ description: 'Row version; also sent as the ETag header' }) version!: number;
}

export function mapAgency(a: AgencyEntity): AgencyDto {
  return { id: a.id, jurisdictionId: a.jurisdictionId, name: a.name, contacts: a.contacts, language: a.language, version: a.version };
}
