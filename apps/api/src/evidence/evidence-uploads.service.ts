import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AgencyEntity, EvidenceEntity, EvidenceFileEntity, EvidenceRequestEntity, EvidenceRequestStatus, MilestoneRepository } from '@app/persistence';
import { UploadLinkClaims, verifyUploadLink } from '@app/security';
import { EVIDENCE_STORAGE, EvidenceStorage } from '@app/storage';
import { WorkflowEngineUnavailableError, WorkflowRefusedError } from '@app/temporal';
import { DeliverEvidence, DeliverEvidenceCommand } from '@app/application';
import type { Actor } from '../auth/actor';
import { ProblemException } from '../common/problem-details.filter';
import { PlanScope } from '../auth/plan-scope.service';
import { EvidenceFileDto, EvidenceReceiptDto, EvidenceRequestViewDto } from './dto/evidence-upload.dto';
import { EvidenceSubmission, RawEvidenceSubmission, readEvidenceSubmission } from './evidence-submission';

/** `submitted_by` of evidence that came through the signed link of a request email. */
export const UPLOAD_LINK_SUBMITTER = 'upload-link';

/**
 * Evidence arriving from an agency: through the signed upload link of a request email, or with an
 * API token (agency or coordinator) for a milestone. Both end in `submit`.
 */
@Injectable()
export class EvidenceUploadsService {
  private readonly logger = new Logger(EvidenceUploadsService.name);

  constructor(
    @InjectRepository(EvidenceRequestEntity) private readonly requests: Repository<EvidenceRequestEntity>,
    @InjectRepository(EvidenceEntity) private readonly evidence: Repository<EvidenceEntity>,
    private readonly milestones: MilestoneRepository,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage,
    private readonly scope: PlanScope,
    private readonly deliverEvidence: DeliverEvidence,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async describe(token: string): Promise<EvidenceRequestViewDto> {
    const request = await this.requestFor(token);
    const milestone = await this.milestones.getById(request.milestoneId);
    const agency = await this.agencies.findOneByOrFail({ id: milestone.responsibleAgencyId });
    return {
      evidenceRequestId: request.id,
      status: request.status,
      milestoneTitle: milestone.title,
      expectedOutput: milestone.expectedOutput,
      agencyName: agency.name,
      dueAt: request.dueAt.toISOString(),
      linkExpiresAt: request.linkExpiresAt.toISOString(),
    };
  }

  /** Through the signed link: the link names the evidence request. */
  async submitThroughLink(token: string, raw: RawEvidenceSubmission): Promise<EvidenceReceiptDto> {
    const request = await this.requestFor(token);
    const submission = await readEvidenceSubmission(raw);
    return this.submit(request, submission, UPLOAD_LINK_SUBMITTER);
  }

  /** With an API token: to the milestone's open evidence request (an agency: its own milestones only). */
  async submitForMilestone(actor: Actor, milestoneId: string, raw: RawEvidenceSubmission): Promise<EvidenceReceiptDto> {
    await this.scope.milestone(actor, milestoneId, 'write');
    const submission = await readEvidenceSubmission(raw);
    const request = await this.requests.findOne({ where: { milestoneId, status: EvidenceRequestStatus.Open }, order: { cycle: 'DESC' } });
    if (!request) {
      throw new ProblemException(409, 'Conflict', 'No evidence request of this milestone is open: evidence is requested ahead of the due date.', [
        { field: 'milestoneId', message: 'has no open evidence request' },
      ]);
    }
    return this.submit(request, submission, actor.label);
  }

  /**
   * Stores the files and the evidence, then hands the evidence to the milestone's workflow, which
   * decides whether the request is still open. An upload is taken (201, delivered) or refused
   * (nothing kept: 409 when the workflow refused it, 503 when its workflow is not running yet), never
   * half: when the workflow does not answer in time, the Update may still be taken, so the evidence
   * stays, undelivered (202, delivery pending), and housekeeping sends the same Update again.
   */
  private async submit(request: EvidenceRequestEntity, submission: EvidenceSubmission, submittedBy: string): Promise<EvidenceReceiptDto> {
    if (request.status === EvidenceRequestStatus.Closed) throw new ProblemException(409, 'Conflict', 'This evidence request was closed: the milestone no longer waits for evidence.');
    if (request.status !== EvidenceRequestStatus.Open) throw new ProblemException(409, 'Conflict', 'Evidence for this request has already been received.');
    const evidenceId = randomUUID();
    const files = submission.files.map((file) => {
      const id = randomUUID();
      return { ...file, id, storageKey: `${id.slice(0, 2)}/${id}` };
    });
    const stored: string[] = [];
    try {
      for (const file of files) {
        await this.storage.put(file.storageKey, file.bytes);
        stored.push(file.storageKey);
      }
      await this.db.transaction(async (manager) => {
        await manager.insert(EvidenceEntity, {
          id: evidenceId,
          milestoneId: request.milestoneId,
          evidenceRequestId: request.id,
          narrative: submission.dto.narrative,
          links: submission.dto.links ?? [],
          claimedCompletion: submission.dto.claimedCompletion,
          isPublic: submission.dto.isPublic ?? false,
          submittedBy,
        });
        if (files.length > 0) {
          await manager.insert(
            EvidenceFileEntity,
            files.map((f) => ({ id: f.id, evidenceId, originalName: f.originalName, mediaType: f.mediaType, sizeBytes: f.sizeBytes, sha256: f.sha256, storageKey: f.storageKey })),
          );
        }
      });
    } catch (error) {
      await this.removeStored(stored);
      throw error;
    }

    const receipt = { evidenceId, milestoneId: request.milestoneId, files: files.map((f) => fileDto(evidenceId, f)) };
    const delivery = await this.deliverEvidence.execute(DeliverEvidenceCommand.create({ evidenceId }));
    switch (delivery.outcome) {
      case 'delivered':
        return { ...receipt, milestoneStatus: delivery.milestoneStatus ?? (await this.milestoneStatus(request.milestoneId)), delivery: 'delivered' };
      case 'pending':
        return { ...receipt, milestoneStatus: await this.milestoneStatus(request.milestoneId), delivery: 'pending' };
      case 'refused':
        // Removed again. The workflow's refusal is a 409; a workflow not running (yet) a 503 to try again.
        if (delivery.error instanceof WorkflowRefusedError) throw delivery.error;
        throw new WorkflowEngineUnavailableError('The evidence could not be delivered to the workflow engine and was not saved. Try again.', false, { cause: delivery.error });
    }
  }

  private async milestoneStatus(milestoneId: string): Promise<string> {
    return (await this.milestones.getById(milestoneId)).status;
  }

  private async removeStored(keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.storage.delete(key).catch((error: unknown) => this.logger.error({ msg: 'could not remove a stored evidence file', key, error: String(error) }));
    }
  }

  private async requestFor(token: string): Promise<EvidenceRequestEntity> {
    const check = checkUploadLink(token, this.config.uploadLinkSecret);
    const request = await this.requests.findOneBy({ id: check.evidenceRequestId });
    if (!request) throw new ProblemException(404, 'Not Found', 'The evidence request of this link does not exist.');
    return request;
  }
}

/**
 * The claims of a valid upload link, or the refusal (401 forged, 410 expired). Cheap (an HMAC): the
 * upload route checks it before reading the files, so a forged link cannot make us buffer a form.
 */
export function checkUploadLink(token: string, secret: string): UploadLinkClaims {
  const check = verifyUploadLink(token, secret);
  if (!check.valid) {
    if (check.reason === 'expired') throw new ProblemException(410, 'Gone', 'This upload link has expired. Ask the open government office for a new one.');
    throw new ProblemException(401, 'Unauthorized', 'This upload link is not valid.');
  }
  return check.claims;
}

export function fileDto(evidenceId: string, file: Pick<EvidenceFileEntity, 'id' | 'originalName' | 'mediaType' | 'sizeBytes' | 'sha256'>): EvidenceFileDto {
  return {
    id: file.id,
    originalName: file.originalName,
    mediaType: file.mediaType,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    downloadPath: `/evidence/${evidenceId}/files/${file.id}`,
  };
}
