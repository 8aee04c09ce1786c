import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { MonitoringPolicy } from '@app/domain';
import type { Contact } from './contact';

/** One administration's OGP Local action plan. */
@Entity('action_plan')
export class ActionPlanEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'jurisdiction_id' })
  jurisdictionId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'date', name: 'period_start' })
  periodStart!: string;

  @Column({ type: 'date', name: 'period_end' })
  periodEnd!: string;

  /** End of the government's term; the plan should end two months before it. */
  @Column({ type: 'date', name: 'term_end' })
  termEnd!: string;

  @Column({ type: 'text', name: 'strategic_vision', nullable: true })
  strategicVision!: string | null;

  @Column({ type: 'text' })
  status!: string;

  /** Monitoring policy, complete (defaults filled in when the plan was written). */
  @Column({ type: 'jsonb' })
  policy!: MonitoringPolicy;

  /** The Independent Monitoring Body that reviews this plan. */
  @Column({ type: 'text', name: 'imb_name', nullable: true })
  imbName!: string | null;

  /** IMB contacts who receive escalations. Personal data: never published. */
  @Column({ type: 'jsonb', name: 'imb_contacts' })
  imbContacts!: Contact[];

  /** Non-governmental stakeholders that endorsed the plan (organisation names; public). */
  @Column({ type: 'text', name: 'endorsing_stakeholders', array: true })
  endorsingStakeholders!: string[];

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  /** When the plan was closed; housekeeping reconciles the workflows of recently closed plans. */
  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true })
  closedAt!: Date | null;
}
