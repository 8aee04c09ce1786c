import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Contact } from './contact';

/** A local government taking part in OGP Local. Every other row belongs to exactly one. */
@Entity('jurisdiction')
export class JurisdictionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'text' })
  country!: string;

  /** IANA time zone, e.g. America/Argentina/Cordoba. */
  @Column({ type: 'text', name: 'time_zone' })
  timeZone!: string;

  @Column({ type: 'text', name: 'default_language' })
  defaultLanguage!: string;

  /** The open-government office (coordinators): copied on escalations. Personal data: never public. */
  @Column({ type: 'jsonb', name: 'office_contacts' })
  officeContacts!: Contact[];

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
