import { Controller, Get, HttpCode, Injectable, Module, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsIn, IsOptional } from 'class-validator';
import { FindOptionsWhere, Repository } from 'typeorm';
import { MailModule, OutboxService } from '@app/mail';
import { OutboxMessageEntity, OutboxStatus, recordAudit } from '@app/persistence';
import { canSeeJurisdiction, notFound } from '../auth/access';
import { Actor, Role } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { Page, pageOf, PageQueryDto, pageSchema, toPage } from '../common/pagination';
import { ProblemException } from '../common/problem-details.filter';
import { UuidParam } from '../common/uuid-param';

export class OutboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OutboxStatus, description: 'failed and unconfirmed need a coordinator' })
  @IsOptional() @IsIn(Object.values(OutboxStatus))
  status?: OutboxStatus;
}

export class OutboxMessageDto {
  @ApiProperty() id!: string;
  @ApiProperty() idempotencyKey!: string;
  @ApiProperty() to!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: OutboxStatus }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
}

function mapMessage(m: OutboxMessageEntity): OutboxMessageDto {
  return { id: m.id, idempotencyKey: m.idempotencyKey, to: m.toAddress, subject: m.subject, status: m.status, attempts: m.attempts, lastError: m.lastError, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null };
}

/** What the system emailed in a jurisdiction, and the messages that need a coordinator (failed, unconfirmed). */
@Injectable()
export class OutboxAdminService {
  constructor(
    @InjectRepository(OutboxMessageEntity) private readonly messages: Repository<OutboxMessageEntity>,
    private readonly outbox: OutboxService,
  ) {}

  async list(actor: Actor, jurisdictionId: string, query: OutboxQueryDto): Promise<Page<OutboxMessageDto>> {
    if (!canSeeJurisdiction(actor, jurisdictionId)) throw notFound('jurisdiction', jurisdictionId);
    const where: FindOptionsWhere<OutboxMessageEntity> = { jurisdictionId };
    if (query.status) where.status = query.status;
    const [rows, total] = await this.messages.findAndCount({ where, order: { createdAt: 'DESC' }, ...pageOf(query) });
    return toPage(rows.map(mapMessage), total, query);
  }

  async resend(actor: Actor, id: string): Promise<OutboxMessageDto> {
    const message = await this.messages.findOneBy({ id });
    if (!message || !message.jurisdictionId || !canSeeJurisdiction(actor, message.jurisdictionId)) throw notFound('outbox message', id);
    // The coordinator's decision is audited with the reset, before the message goes out again.
    const outcome = await this.outbox.resend(id, (manager, before) =>
      recordAudit(manager, {
        jurisdictionId: before.jurisdictionId,
        actor,
        action: 'outbox_message.resent',
        entityType: 'outbox_message',
        entityId: id,
        before: { status: before.status, attempts: before.attempts, lastError: before.lastError, idempotencyKey: before.idempotencyKey },
        after: { status: OutboxStatus.Pending },
      }),
    );
    if (outcome === null) throw new ProblemException(409, 'Conflict', `Only failed or unconfirmed messages are sent again; this one is ${message.status}.`, [{ field: 'status', message: `message is ${message.status}` }]);
    return mapMessage(await this.messages.findOneByOrFail({ id }));
  }
}

@ApiTags('outbox')
@ApiProblemResponses()
@Controller()
export class OutboxController {
  constructor(private readonly service: OutboxAdminService) {}

  @Get('jurisdictions/:jurisdictionId/outbox')
  @Roles(Role.Coordinator)
  @ApiOperation({ summary: 'Emails of the jurisdiction, newest first; filter status=failed or unconfirmed for the ones that need a coordinator' })
  @ApiOkResponse({ type: pageSchema(OutboxMessageDto, 'OutboxMessagePage') })
  list(@CurrentActor() actor: Actor, @UuidParam('jurisdictionId') jurisdictionId: string, @Query() query: OutboxQueryDto): Promise<Page<OutboxMessageDto>> {
    return this.service.list(actor, jurisdictionId, query);
  }

  @Post('outbox/:messageId/resend')
  @Roles(Role.Coordinator)
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed or unconfirmed email again (a coordinator’s decision)' })
  @ApiOkResponse({ type: OutboxMessageDto })
  resend(@CurrentActor() actor: Actor, @UuidParam('messageId') id: string): Promise<OutboxMessageDto> {
    return this.service.resend(actor, id);
  }
}

@Module({ imports: [MailModule], controllers: [OutboxController], providers: [OutboxAdminService] })
export class OutboxModule {}
