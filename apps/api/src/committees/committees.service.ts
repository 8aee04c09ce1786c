import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DialogueBoardMemberEntity, FollowUpCommitteeMemberEntity, recordAudit } from '@app/persistence';
import { notFound } from '../auth/access';
import { Actor } from '../auth/actor';
import { PlanScope, ruleViolation } from '../auth/plan-scope.service';
import { CommitteeMemberDto, CreateCommitteeMemberDto, mapCommitteeMember } from './dto/committee-member.dto';

/** The follow-up committee of each commitment: government referents and Dialogue Board members. */
@Injectable()
export class CommitteesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(FollowUpCommitteeMemberEntity) private readonly committee: Repository<FollowUpCommitteeMemberEntity>,
    private readonly scope: PlanScope,
  ) {}

  async addCommitteeMember(actor: Actor, id: string, dto: CreateCommitteeMemberDto): Promise<CommitteeMemberDto> {
    const { plan } = await this.scope.commitment(actor, id, 'write');
    const member = await this.db.transaction(async (manager) => {
      let fields = { name: dto.name ?? '', organisation: dto.organisation ?? null, email: dto.email ?? null, dialogueBoardMemberId: null as string | null };
      if (dto.kind === 'dialogue_board_member') {
        const boardMember = await manager.findOneBy(DialogueBoardMemberEntity, { id: dto.dialogueBoardMemberId!, jurisdictionId: plan.jurisdictionId });
        if (!boardMember) throw ruleViolation('dialogueBoardMemberId', "dialogueBoardMemberId must name a member of the jurisdiction's Dialogue Board");
        fields = { name: boardMember.name, organisation: boardMember.organisation, email: boardMember.email, dialogueBoardMemberId: boardMember.id };
      }
      const saved = await manager.save(manager.create(FollowUpCommitteeMemberEntity, { commitmentId: id, kind: dto.kind, ...fields }));
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'committee_member.added', entityType: 'follow_up_committee_member', entityId: saved.id, after: saved });
      return saved;
    });
    return mapCommitteeMember(member);
  }

  async listCommitteeMembers(actor: Actor, id: string): Promise<CommitteeMemberDto[]> {
    await this.scope.commitment(actor, id);
    return (await this.committee.find({ where: { commitmentId: id }, order: { createdAt: 'ASC' } })).map(mapCommitteeMember);
  }

  async removeCommitteeMember(actor: Actor, memberId: string): Promise<void> {
    const member = await this.committee.findOneBy({ id: memberId });
    if (!member) throw notFound('committee member', memberId);
    const { plan } = await this.scope.commitment(actor, member.commitmentId, 'write').catch(() => {
      throw notFound('committee member', memberId);
    });
    await this.db.transaction(async (manager) => {
      await manager.delete(FollowUpCommitteeMemberEntity, { id: memberId });
      await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'committee_member.removed', entityType: 'follow_up_committee_member', entityId: memberId, before: member });
    });
  }
}
