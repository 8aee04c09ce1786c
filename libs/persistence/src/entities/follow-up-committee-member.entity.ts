import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A member of a commitment's follow-up committee: a government referent or a Dialogue Board member. */
@Entity('follow_up_committee_member')
export class FollowUpCommitteeMemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'commitment_id' })
  commitmentId!: string;

  @Column({ type: 'text' })
  kind!: 'government_referent' | 'dialogue_board_member';

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  organisation!: string | null;

  /** Personal data: never public. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'uuid', name: 'dialogue_board_member_id', nullable: true })
  dialogueBoardMemberId!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
