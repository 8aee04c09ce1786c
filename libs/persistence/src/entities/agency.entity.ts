import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An implementing institution: it receives evidence requests and uploads evidence. */
@Entity('agency')
export class AgencyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'jurisdiction_id' })
  jurisdictionId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Where evidence requests and reminders go. Personal data: never published. */
  @Column({ type: 'text', name: 'contact_email' })
  contactEmail!: string;

  @Column({ type: 'text', name: 'contact_name', nullable: true })
  contactName!: string | null;

  @Column({ type: 'text' })
  language!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
