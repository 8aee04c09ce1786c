import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
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
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}
