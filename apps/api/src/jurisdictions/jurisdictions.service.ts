import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AgencyEntity, ApiTokenEntity, JurisdictionEntity, recordAudit, snapshot } from '@app/persistence';
import { canSeeJurisdiction, notFound } from '../auth/access';
import { Actor, Role } from '../auth/actor';
import { newApiToken } from '../auth/api-tokens';
import { staleVersion } from '../common/etag';
import { ProblemException } from '../common/problem-details.filter';
import { requireChanges, uniqueOr409 } from '../common/unique';
import { mapContacts } from '../common/contact.dto';
import { AgencyDto, CreateAgencyDto, mapAgency, UpdateAgencyDto } from './dto/agency.dto';
import { ApiTokenDto, CreateApiTokenDto, CreatedApiTokenDto, mapApiToken } from './dto/api-token.dto';
import { CreateJurisdictionDto, JurisdictionDto, mapJurisdiction } from './dto/jurisdiction.dto';

/** Jurisdictions, their agencies and API tokens. */
@Injectable()
export class JurisdictionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
  ) {}

  async create(actor: Actor, dto: CreateJurisdictionDto): Promise<JurisdictionDto> {
    const saved = await uniqueOr409('slug', `A jurisdiction with slug "${dto.slug}" exists already.`, () =>
      this.db.transaction(async (manager) => {
        const jurisdiction = await manager.save(manager.create(JurisdictionEntity, { ...dto, officeContacts: mapContacts(dto.officeContacts ?? []) }));
        await recordAudit(manager, { jurisdictionId: jurisdiction.id, actor, action: 'jurisdiction.created', entityType: 'jurisdiction', entityId: jurisdiction.id, after: jurisdiction });
        return jurisdiction;
      }),
    );
    return mapJurisdiction(saved);
  }

  async list(actor: Actor): Promise<JurisdictionDto[]> {
    const where = actor.role === Role.Admin ? {} : { id: actor.jurisdictionId ?? undefined };
    return (await this.jurisdictions.find({ where, order: { name: 'ASC' } })).map(mapJurisdiction);
  }

  async get(actor: Actor, id: string): Promise<JurisdictionDto> {
    return mapJurisdiction(await this.require(actor, id));
  }

  async require(actor: Actor, id: string): Promise<JurisdictionEntity> {
    const jurisdiction = canSeeJurisdiction(actor, id) ? await this.jurisdictions.findOneBy({ id }) : null;
    if (!jurisdiction) throw notFound('jurisdiction', id);
    return jurisdiction;
  }

  async addAgency(actor: Actor, jurisdictionId: string, dto: CreateAgencyDto): Promise<AgencyDto> {
    await this.require(actor, jurisdictionId);
    const saved = await uniqueOr409('name', `An agency named "${dto.name}" exists already in this jurisdiction.`, () =>
      this.db.transaction(async (manager) => {
        const agency = await manager.save(manager.create(AgencyEntity, { jurisdictionId, name: dto.name, contacts: mapContacts(dto.contacts), language: dto.language }));
        await recordAudit(manager, { jurisdictionId, actor, action: 'agency.created', entityType: 'agency', entityId: agency.id, after: agency });
        return agency;
      }),
    );
    return mapAgency(saved);
  }

  async listAgencies(actor: Actor, jurisdictionId: string): Promise<AgencyDto[]> {
    await this.require(actor, jurisdictionId);
    const where = actor.role === Role.Agency ? { jurisdictionId, id: actor.agencyId! } : { jurisdictionId };
    return (await this.agencies.find({ where, order: { name: 'ASC' } })).map(mapAgency);
  }

  async getAgency(actor: Actor, id: string): Promise<AgencyDto> {
    return mapAgency(await this.requireAgency(actor, id));
  }

  async updateAgency(actor: Actor, id: string, version: number, dto: UpdateAgencyDto): Promise<AgencyDto> {
    requireChanges(dto);
    const before = await this.requireAgency(actor, id);
    const changes: Partial<AgencyEntity> = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.contacts !== undefined) changes.contacts = mapContacts(dto.contacts);
    if (dto.language !== undefined) changes.language = dto.language;
    const updated = await uniqueOr409('name', `An agency named "${dto.name}" exists already in this jurisdiction.`, () =>
      this.db.transaction(async (manager) => {
        const result = await manager.createQueryBuilder().update(AgencyEntity).set(changes).where('id = :id AND version = :version', { id, version }).execute();
        if (!result.affected) throw staleVersion('agency');
        const after = await manager.findOneByOrFail(AgencyEntity, { id });
        await recordAudit(manager, { jurisdictionId: before.jurisdictionId, actor, action: 'agency.updated', entityType: 'agency', entityId: id, before, after });
        return after;
      }),
    );
    return mapAgency(updated);
  }

  /** An agency the actor may see: its own for the agency role, any of the jurisdiction otherwise. */
  async requireAgency(actor: Actor, id: string): Promise<AgencyEntity> {
    const agency = await this.agencies.findOneBy({ id });
    if (!agency || !canSeeJurisdiction(actor, agency.jurisdictionId) || (actor.role === Role.Agency && actor.agencyId !== id)) throw notFound('agency', id);
    return agency;
  }

  async createToken(actor: Actor, jurisdictionId: string, dto: CreateApiTokenDto): Promise<CreatedApiTokenDto> {
    await this.require(actor, jurisdictionId);
    if (dto.role === 'agency') {
      const agency = await this.agencies.findOneBy({ id: dto.agencyId!, jurisdictionId });
      if (!agency) throw new ProblemException(422, 'Unprocessable Entity', 'agencyId must name an agency of this jurisdiction.', [{ field: 'agencyId', message: 'agencyId must name an agency of this jurisdiction' }]);
    } else if (dto.agencyId !== undefined) {
      throw new ProblemException(422, 'Unprocessable Entity', 'agencyId is only for agency tokens.', [{ field: 'agencyId', message: 'agencyId is only for agency tokens' }]);
    }
    const { token, hash } = newApiToken();
    const saved = await this.db.transaction(async (manager) => {
      const entity = await manager.save(
        manager.create(ApiTokenEntity, { jurisdictionId, role: dto.role, agencyId: dto.agencyId ?? null, label: dto.label, tokenHash: hash, createdBy: actor.label, expiresAt: dto.expiresAt ? new Date(dto.expiresAt) : null }),
      );
      await recordAudit(manager, { jurisdictionId, actor, action: 'api_token.created', entityType: 'api_token', entityId: entity.id, after: withoutHash(entity) });
      return entity;
    });
    return { ...mapApiToken(saved), token };
  }

  async listTokens(actor: Actor, jurisdictionId: string): Promise<ApiTokenDto[]> {
    await this.require(actor, jurisdictionId);
    return (await this.tokens.find({ where: { jurisdictionId }, order: { createdAt: 'ASC' } })).map(mapApiToken);
  }

  async revokeToken(actor: Actor, id: string): Promise<ApiTokenDto> {
    const token = await this.tokens.findOneBy({ id });
    if (!token || !canSeeJurisdiction(actor, token.jurisdictionId)) throw notFound('API token', id);
    if (token.revokedAt) return mapApiToken(token);
    const revoked = await this.db.transaction(async (manager: EntityManager) => {
      await manager.update(ApiTokenEntity, { id }, { revokedAt: new Date() });
      const after = await manager.findOneByOrFail(ApiTokenEntity, { id });
      await recordAudit(manager, { jurisdictionId: token.jurisdictionId, actor, action: 'api_token.revoked', entityType: 'api_token', entityId: id, before: withoutHash(token), after: withoutHash(after) });
      return after;
    });
    return mapApiToken(revoked);
  }
}

function withoutHash(token: ApiTokenEntity): object {
  const { tokenHash: _hash, ...rest } = snapshot(token) as Record<string, unknown>;
  return rest;
}
