import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateBy, ValidateIf, ValidationArguments } from 'class-validator';
import type { ApiTokenEntity } from '@app/persistence';

const TOKEN_ROLES = ['coordinator', 'agency', 'imb'] as const;

export class CreateApiTokenDto {
  @ApiProperty({ enum: TOKEN_ROLES })
  @IsIn(TOKEN_ROLES)
  role!: (typeof TOKEN_ROLES)[number];

  @ApiProperty({ example: 'Directorate of Open Government: Laura', description: 'Who holds it; shown in the audit trail' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  label!: string;

  @ApiPropertyOptional({ description: 'Required for (and only for) the agency role' })
  @ValidateIf((o: CreateApiTokenDto) => o.role === 'agency' || o.agencyId !== undefined)
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2027-06-30T23:59:59Z', description: 'When the token stops working (ISO 8601, in the future). Left out: it works until revoked.' })
  @IsOptional() @IsISO8601({ strict: true }) @MaxLength(40) @IsInTheFuture()
  expiresAt?: string;
}

/** A date-time later than now (checked after IsISO8601, which stops at the first error). */
function IsInTheFuture(): PropertyDecorator {
  return ValidateBy({
    name: 'isInTheFuture',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && new Date(value).getTime() > Date.now(),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be in the future`,
    },
  });
}

export class ApiTokenDto {
  @ApiProperty() id!: string;
  @ApiProperty() jurisdictionId!: string;
  @ApiProperty({ enum: TOKEN_ROLES }) role!: string;
  @ApiProperty({ nullable: true, type: String }) agencyId!: string | null;
  @ApiProperty() label!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the token stops working; null: until revoked' }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedApiTokenDto extends ApiTokenDto {
  @ApiProperty({ description: 'The bearer token. Shown this once; only its hash is kept.' }) token!: string;
}

export function mapApiToken(t: ApiTokenEntity): ApiTokenDto {
  return {
    id: t.id,
    jurisdictionId: t.jurisdictionId,
    role: t.role,
    agencyId: t.agencyId,
    label: t.label,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    revokedAt: t.revokedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}
