import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A bearer token. Only its SHA-256 is stored; the token itself is shown once, when created. */
@Entity('api_token')
export class ApiTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'jurisdiction_id' })
  jurisdictionId!: string;

  /** A Role other than admin and public. */
  @Column({ type: 'text' })
  role!: 'coordinator' | 'agency' | 'imb';

  /** Set for agency tokens: the only agency whose work the token sees. */
  @Column({ type: 'uuid', name: 'agency_id', nullable: true })
  agencyId!: string | null;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text', name: 'token_hash', unique: true })
  tokenHash!: string;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** Past this moment the token is refused (401); null: it works until revoked. */
  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;
}
