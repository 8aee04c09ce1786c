import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

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

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
