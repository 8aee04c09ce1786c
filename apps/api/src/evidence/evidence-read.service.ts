import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { EvidenceEntity, EvidenceFileEntity } from '@app/persistence';
import { EVIDENCE_STORAGE, EvidenceStorage } from '@app/storage';
import { notFound } from '../auth/access';
import type { Actor } from '../auth/actor';
import { Page, pageOf, PageQueryDto, toPage } from '../common/pagination';
import { PlanScope } from '../auth/plan-scope.service';
import { EvidenceDto } from './dto/evidence-upload.dto';
import { fileDto } from './evidence-uploads.service';

export interface EvidenceFileDownload {
  file: EvidenceFileEntity;
  bytes: Buffer;
}

/**
 * Reading evidence and its files, for whoever may read the milestone: the responsible agency, and
 * the coordinators and IMB of its jurisdiction. Anything else answers 404, as a missing row does.
 */
@Injectable()
export class EvidenceReadService {
  constructor(
    @InjectRepository(EvidenceEntity) private readonly evidence: Repository<EvidenceEntity>,
    @InjectRepository(EvidenceFileEntity) private readonly files: Repository<EvidenceFileEntity>,
    @Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage,
    private readonly scope: PlanScope,
  ) {}

  /** A milestone's evidence, newest first, with the metadata of its files. */
  async list(actor: Actor, milestoneId: string, query: PageQueryDto): Promise<Page<EvidenceDto>> {
    await this.scope.milestone(actor, milestoneId);
    const [rows, total] = await this.evidence.findAndCount({ where: { milestoneId }, order: { submittedAt: 'DESC', id: 'ASC' }, ...pageOf(query) });
    const files = rows.length === 0 ? [] : await this.files.find({ where: { evidenceId: In(rows.map((r) => r.id)) }, order: { createdAt: 'ASC', originalName: 'ASC', id: 'ASC' } });
    const items = rows.map((row) => ({
      id: row.id,
      milestoneId: row.milestoneId,
      evidenceRequestId: row.evidenceRequestId,
      narrative: row.narrative,
      links: row.links,
      claimedCompletion: row.claimedCompletion,
      isPublic: row.isPublic,
      submittedBy: row.submittedBy,
      submittedAt: row.submittedAt.toISOString(),
      files: files.filter((f) => f.evidenceId === row.id).map((f) => fileDto(row.id, f)),
    }));
    return toPage(items, total, query);
  }

  async download(actor: Actor, evidenceId: string, fileId: string): Promise<EvidenceFileDownload> {
    const evidence = await this.evidence.findOneBy({ id: evidenceId });
    if (!evidence) throw notFound('evidence', evidenceId);
    // Out of scope reads as missing, without naming the milestone.
    await this.scope.milestone(actor, evidence.milestoneId).catch(() => {
      throw notFound('evidence', evidenceId);
    });
    const file = await this.files.findOneBy({ id: fileId, evidenceId });
    if (!file) throw notFound('evidence file', fileId);
    return { file, bytes: await this.storage.get(file.storageKey) };
  }
}
