import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** The stored outcome of a POST sent with an Idempotency-Key, replayed when the key comes again. */
@Entity('idempotency_record')
export class IdempotencyRecordEntity {
  /** Who sent it (token id or "admin"), so keys of different clients never collide. */
  @PrimaryColumn({ type: 'text' })
  scope!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** SHA-256 of method, path and body: the same key with another request is refused. */
  @Column({ type: 'text', name: 'request_hash' })
  requestHash!: string;

  /** Null while the first request is still being handled. */
  @Column({ type: 'int', nullable: true })
  status!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response!: unknown;

  /** Housekeeping prunes by age (index idempotency_record_created_at_idx). */
  @Index('idempotency_record_created_at_idx')
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
