import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A member of the jurisdiction's multi-stakeholder forum (the Dialogue Board). */
@Entity('dialogue_board_member')
export class DialogueBoardMemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'jurisdiction_id' })
  jurisdictionId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  organisation!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text' })
  language!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
