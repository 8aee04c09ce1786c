import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { Contact } from './contact';

/** An implementing institution: it receives evidence requests and uploads evidence. */
@Entity('agency')
export class AgencyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'jurisdiction_id' })
  jurisdictionId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Who receives evidence requests and reminders (all of them). At least one. */
  @Column({ type: 'jsonb' })
  contacts!: Contact[];

  @Column({ type: 'text' })
  language!: string;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
