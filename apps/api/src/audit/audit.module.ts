import { Controller, Get, Injectable, Module, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { FindOptionsWhere, Repository } from 'typeorm';
import { AuditEventEntity } from '@app/persistence';
import { canSeeJurisdiction, notFound } from '../auth/access';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { Page, pageOf, PageQueryDto, pageSchema, toPage } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'milestone' }) @IsOptional() @IsString() @MaxLength(100)
  entityType?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100)
  entityId?: string;

  @ApiPropertyOptional({ example: 'milestone.replanned' }) @IsOptional() @IsString() @MaxLength(100)
  action?: string;
}

export class AuditEventDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() actorRole!: string;
  @ApiProperty() action!: string;
  @ApiProperty() entityType!: string;
  @ApiProperty() entityId!: string;
  @ApiProperty({ nullable: true, type: Object }) before!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Object }) after!: Record<string, unknown> | null;
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  async list(actor: Actor, jurisdictionId: string, query: AuditQueryDto): Promise<Page<AuditEventDto>> {
    if (!canSeeJurisdiction(actor, jurisdictionId)) throw notFound('jurisdiction', jurisdictionId);
    const where: FindOptionsWhere<AuditEventEntity> = { jurisdictionId };
    if (query.entityType) where.entityType = query.entityType;
    if (query.entityId) where.entityId = query.entityId;
    if (query.action) where.action = query.action;
    const [rows, total] = await this.events.findAndCount({ where, order: { id: 'DESC' }, ...pageOf(query) });
    return toPage(
      rows.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actor, actorRole: e.actorRole, action: e.action, entityType: e.entityType, entityId: e.entityId, before: e.before, after: e.after })),
      total,
      query,
    );
  }
}

@ApiTags('audit')
@ApiProblemResponses()
@Controller('jurisdictions/:jurisdictionId/audit-events')
export class AuditController {
  constructor(private readonly service: AuditService) {}

  @Get()
  @Roles(Role.Coordinator, Role.Imb)
  @ApiOperation({ summary: 'Every write in the jurisdiction, newest first: who, what, the entity before and after' })
  @ApiOkResponse({ type: pageSchema(AuditEventDto, 'AuditEventPage') })
  list(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') jurisdictionId: string, @Query() query: AuditQueryDto): Promise<Page<AuditEventDto>> {
    return this.service.list(actor, jurisdictionId, query);
  }
}

@Module({ controllers: [AuditController], providers: [AuditService] })
export class AuditModule {}
