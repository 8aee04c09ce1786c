import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What an agency submitted to show a milestone's progress. */
@Entity('evidence')
export class EvidenceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'milestone_id' })
  milestoneId!: string;

  @Column({ type: 'uuid', name: 'evidence_request_id' })
  evidenceRequestId!: string;

  @Column({ type: 'text' })
  narrative!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  links!: string[];

  /** A CompletionLevel the agency claims; the follow-up committee decides. */
  @Column({ type: 'text', name: 'claimed_completion' })
  claimedCompletion!: string;

  @Column({ type: 'boolean', name: 'is_public', default: false })
  isPublic!: boolean;

  /** Who submitted it: 'upload-link' (the signed link of the request email) or the label of the API token used. */
  @Column({ type: 'text', name: 'submitted_by', nullable: true })
  submittedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'submitted_at' })
  submittedAt!: Date;

  /** When its milestone's workflow took it (the Update was accepted); null while the delivery is pending. */
  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;
}
