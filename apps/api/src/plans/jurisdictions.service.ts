import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { AgencyEntity, DialogueBoardMemberEntity, JurisdictionEntity } from '@app/persistence';
import { ProblemException } from '../common/problem-details.filter';
import { AgencyDto, CreateAgencyDto, CreateDialogueBoardMemberDto, DialogueBoardMemberDto, mapAgency, mapDialogueBoardMember } from './dto/agency.dto';
import { CreateJurisdictionDto, JurisdictionDto, mapJurisdiction } from './dto/jurisdiction.dto';

/** Jurisdictions and the people and institutions that belong to them. */
@Injectable()
export class JurisdictionsService {
  constructor(
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    @InjectRepository(DialogueBoardMemberEntity) private readonly boardMembers: Repository<DialogueBoardMemberEntity>,
  ) {}

  async create(dto: CreateJurisdictionDto): Promise<JurisdictionDto> {
    const saved = await this.insertUnique(() => this.jurisdictions.save(this.jurisdictions.create(dto)), 'slug', `A jurisdiction with slug "${dto.slug}" exists already.`);
    return mapJurisdiction(saved);
  }

  async list(): Promise<JurisdictionDto[]> {
    return (await this.jurisdictions.find({ order: { name: 'ASC' } })).map(mapJurisdiction);
  }

  async get(id: string): Promise<JurisdictionDto> {
    return mapJurisdiction(await this.require(id));
  }

  async require(id: string): Promise<JurisdictionEntity> {
    const jurisdiction = await this.jurisdictions.findOneBy({ id });
    if (!jurisdiction) throw new ProblemException(404, 'Not Found', `No jurisdiction ${id}.`);
    return jurisdiction;
  }

  async addAgency(jurisdictionId: string, dto: CreateAgencyDto): Promise<AgencyDto> {
    await this.require(jurisdictionId);
    const saved = await this.insertUnique(
      () => this.agencies.save(this.agencies.create({ ...dto, contactName: dto.contactName ?? null, jurisdictionId })),
      'name',
      `An agency named "${dto.name}" exists already in this jurisdiction.`,
    );
    return mapAgency(saved);
  }

  async listAgencies(jurisdictionId: string): Promise<AgencyDto[]> {
    await this.require(jurisdictionId);
    return (await this.agencies.find({ where: { jurisdictionId }, order: { name: 'ASC' } })).map(mapAgency);
  }

  async addBoardMember(jurisdictionId: string, dto: CreateDialogueBoardMemberDto): Promise<DialogueBoardMemberDto> {
    await this.require(jurisdictionId);
    return mapDialogueBoardMember(await this.boardMembers.save(this.boardMembers.create({ ...dto, email: dto.email ?? null, jurisdictionId })));
  }

  async listBoardMembers(jurisdictionId: string): Promise<DialogueBoardMemberDto[]> {
    await this.require(jurisdictionId);
    return (await this.boardMembers.find({ where: { jurisdictionId }, order: { organisation: 'ASC', name: 'ASC' } })).map(mapDialogueBoardMember);
  }

  /** Turns a unique-constraint violation into a 409 naming the field. */
  private async insertUnique<T>(insert: () => Promise<T>, field: string, detail: string): Promise<T> {
    try {
      return await insert();
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new ProblemException(409, 'Conflict', detail, [{ field, message: detail }]);
      }
      throw error;
    }
  }
}
