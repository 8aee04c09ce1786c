import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DigestContent } from '@app/domain';

/**
 * The archive: a plan's digest of one month in one language, composed once and kept (the public
 * pages show it; every subscriber of that language gets exactly this text).
 */
@Entity('digest_issue')
export class DigestIssueEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId!: string;

  /** `YYYY-MM` in the jurisdiction's zone. */
  @Column({ type: 'text' })
  month!: string;

  @Column({ type: 'text' })
  language!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  html!: string;

  @Column({ type: 'text' })
  text!: string;

  /** The language-neutral facts the texts were rendered from. */
  @Column({ type: 'jsonb' })
  content!: DigestContent;

  @Column({ type: 'timestamptz', name: 'composed_at', default: () => 'now()' })
  composedAt!: Date;
}
