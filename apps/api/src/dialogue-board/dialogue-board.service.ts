import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DialogueBoardMemberEntity, recordAudit } from '@app/persistence';
import { Actor } from '../auth/actor';
import { JurisdictionsService } from '../jurisdictions/jurisdictions.service';
import { CreateDialogueBoardMemberDto, DialogueBoardMemberDto, mapDialogueBoardMember } from './dto/dialogue-board-member.dto';

/** The jurisdiction's Dialogue Board: the multi-stakeholder forum invited to the monthly check-ins. */
@Injectable()
export class DialogueBoardService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(DialogueBoardMemberEntity) private readonly boardMembers: Repository<DialogueBoardMemberEntity>,
    private readonly jurisdictions: JurisdictionsService,
  ) {}

  async addBoardMember(actor: Actor, jurisdictionId: string, dto: CreateDialogueBoardMemberDto): Promise<DialogueBoardMemberDto> {
    await this.jurisdictions.require(actor, jurisdictionId);
    const member = await this.db.transaction(async (manager) => {
      const saved = await manager.save(manager.create(DialogueBoardMemberEntity, { ...dto, email: dto.email ?? null, jurisdictionId }));
      await recordAudit(manager, { jurisdictionId, actor, action: 'dialogue_board_member.created', entityType: 'dialogue_board_member', entityId: saved.id, after: saved });
      return saved;
    });
    return mapDialogueBoardMember(member);
  }

  async listBoardMembers(actor: Actor, jurisdictionId: string): Promise<DialogueBoardMemberDto[]> {
    await this.jurisdictions.require(actor, jurisdictionId);
    return (await this.boardMembers.find({ where: { jurisdictionId }, order: { organisation: 'ASC', name: 'ASC' } })).map(mapDialogueBoardMember);
  }
}
