import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An assessment of a commitment. The government's self-assessment and the IMB's assessment are
 * separate records (assessor), both public; the latest of each is current, earlier ones are history.
 */
@Entity('commitment_assessment')
export class CommitmentAssessmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'commitment_id' })
  commitmentId!: string;

  @Column({ type: 'text' })
  assessor!: 'government' | 'imb';

  /** A CompletionLevel. */
  @Column({ type: 'text' })
  completion!: string;

  /** A PotentialForResults (Unclear, Modest, Substantial). */
  @Column({ type: 'text', name: 'potential_for_results', nullable: true })
  potentialForResults!: string | null;

  /** A DidItOpenGovernment level (Worsened .. Outstanding). */
  @Column({ type: 'text', name: 'did_it_open_government', nullable: true })
  didItOpenGovernment!: string | null;

  @Column({ type: 'text' })
  narrative!: string;

  @Column({ type: 'text' })
  actor!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'assessed_at' })
  assessedAt!: Date;
}
