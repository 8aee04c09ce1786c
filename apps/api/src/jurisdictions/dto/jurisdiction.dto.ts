import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Length, Matches, MaxLength, Validate, ValidateNested } from 'class-validator';
import { SUPPORTED_LANGUAGES } from '@app/domain';
import type { JurisdictionEntity } from '@app/persistence';
import { ContactDto } from '../../common/contact.dto';
import { IsTimeZone } from '../../common/validators';

export class CreateJurisdictionDto {
  @ApiProperty({ example: 'rosario', description: 'Short unique name used in URLs' })
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'slug must be lowercase letters, digits and dashes' })
  @MaxLength(60)
  slug!: string;

  @ApiProperty({ example: 'Municipality of Rosario' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'AR', description: 'ISO 3166-1 alpha-2 country code' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as AR' })
  country!: string;

  @ApiProperty({ example: 'America/Argentina/Cordoba', description: 'IANA time zone' })
  @Validate(IsTimeZone)
  timeZone!: string;

  @ApiProperty({ enum: SUPPORTED_LANGUAGES, example: 'es' })
  @IsIn(SUPPORTED_LANGUAGES)
  @Length(2, 2)
  defaultLanguage!: string;

  @ApiPropertyOptional({ type: [ContactDto], description: 'The open-government office: copied on escalations to the IMB' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ContactDto)
  officeContacts?: ContactDto[];
}

export class JurisdictionDto {
  @ApiProperty() id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() country!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ enum: SUPPORTED_LANGUAGES }) defaultLanguage!: string;
  @ApiProperty({ type: [ContactDto] }) officeContacts!: ContactDto[];
}

export function mapJurisdiction(j: JurisdictionEntity): JurisdictionDto {
  return { id: j.id, slug: j.slug, name: j.name, country: j.country, timeZone: j.timeZone, defaultLanguage: j.defaultLanguage, officeContacts: j.officeContacts };
}
