import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { MonitoringPolicy } from '@app/domain';

/** A concrete reform of a plan; OGP Local allows up to five at a time. */
@Entity('commitment')
export class CommitmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'uuid', name: 'lead_agency_id' })
  leadAgencyId!: string;

  @Column({ type: 'text', name: 'ogp_values', array: true, default: () => "'{}'" })
  ogpValues!: string[];

  @Column({ type: 'text', name: 'supporting_stakeholders', array: true })
  supportingStakeholders!: string[];

  /** An OpenGovChallengeArea. */
  @Column({ type: 'text', name: 'challenge_area', nullable: true })
  challengeArea!: string | null;

  /** UN Sustainable Development Goals, 1 to 17. */
  @Column({ type: 'int', name: 'sdg_tags', array: true })
  sdgTags!: number[];

  /** The plan's own reference (e.g. "C1"), unique within the plan; used by imports to upsert. */
  @Column({ type: 'text', name: 'external_id', nullable: true })
  externalId!: string | null;

  /** A CommitmentStatus: only active commitments count against OGP Local's limit of five. */
  @Column({ type: 'text' })
  status!: string;

  /** Fields of the plan's monitoring policy this commitment changes (e.g. a longer lead time); null: none. */
  @Column({ type: 'jsonb', name: 'policy_overrides', nullable: true })
  policyOverrides!: Partial<MonitoringPolicy> | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
