import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The follow-up committee's decision on one piece of evidence. */
@Entity('evidence_review')
export class EvidenceReviewEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'evidence_id', unique: true })
  evidenceId!: string;

  @Column({ type: 'uuid', name: 'milestone_id' })
  milestoneId!: string;

  @Column({ type: 'text' })
  decision!: 'accepted' | 'returned';

  /** The CompletionLevel accepted; null when returned. */
  @Column({ type: 'text', nullable: true })
  completion!: string | null;

  /** What the agency must change (returned) or the committee's remarks (accepted). Public with the evidence. */
  @Column({ type: 'text', nullable: true })
  comments!: string | null;

  @Column({ type: 'text' })
  reviewer!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'reviewed_at' })
  reviewedAt!: Date;
}
