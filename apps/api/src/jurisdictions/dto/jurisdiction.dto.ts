import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Length, Matches, MaxLength, Validate } from 'class-validator';
import { SUPPORTED_LANGUAGES } from '@app/domain';
import type { JurisdictionEntity } from '@app/persistence';
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
}

export class JurisdictionDto {
  @ApiProperty() id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() country!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ enum: SUPPORTED_LANGUAGES }) defaultLanguage!: string;
}

export function mapJurisdiction(j: JurisdictionEntity): JurisdictionDto {
  return { id: j.id, slug: j.slug, name: j.name, country: j.country, timeZone: j.timeZone, defaultLanguage: j.defaultLanguage };
}
