import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AgencyEntity, EvidenceEntity, EvidenceRequestEntity, EvidenceRequestStatus, MilestoneEntity } from '@app/persistence';
import { verifyUploadLink } from '@app/security';
import { MilestoneWorkflows } from '@app/temporal';
import { ProblemException } from '../common/problem-details.filter';
import { EvidenceReceiptDto, EvidenceRequestViewDto, SubmitEvidenceDto } from './dto/evidence-upload.dto';

/** Evidence arriving through an agency's signed upload link. */
@Injectable()
export class EvidenceUploadsService {
  constructor(
    @InjectRepository(EvidenceRequestEntity) private readonly requests: Repository<EvidenceRequestEntity>,
    @InjectRepository(EvidenceEntity) private readonly evidence: Repository<EvidenceEntity>,
    @InjectRepository(MilestoneEntity) private readonly milestones: Repository<MilestoneEntity>,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    private readonly workflows: MilestoneWorkflows,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async describe(token: string): Promise<EvidenceRequestViewDto> {
    const request = await this.requestFor(token);
    const milestone = await this.milestones.findOneByOrFail({ id: request.milestoneId });
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

  /**
   * Stores the evidence, then hands it to the milestone's workflow, which decides whether the
   * request is still open. A refused or failed hand-over removes the evidence again.
   */
  async submit(token: string, dto: SubmitEvidenceDto): Promise<EvidenceReceiptDto> {
    const request = await this.requestFor(token);
    if (request.status !== EvidenceRequestStatus.Open) throw new ProblemException(409, 'Conflict', 'Evidence for this request has already been received.');
    const saved = await this.evidence.save(
      this.evidence.create({
        milestoneId: request.milestoneId,
        evidenceRequestId: request.id,
        narrative: dto.narrative,
        links: dto.links ?? [],
        claimedCompletion: dto.claimedCompletion,
        isPublic: dto.isPublic ?? false,
      }),
    );
    try {
      const result = await this.workflows.submitEvidence(request.milestoneId, { evidenceId: saved.id, evidenceRequestId: request.id });
      return { evidenceId: saved.id, milestoneId: request.milestoneId, milestoneStatus: result.status };
    } catch (error) {
      await this.evidence.delete({ id: saved.id });
      if (error instanceof WorkflowUpdateFailedError) {
        throw new ProblemException(409, 'Conflict', `The milestone did not accept this evidence: ${error.cause?.message ?? error.message}`);
      }
      throw new ProblemException(503, 'Service Unavailable', 'The evidence could not be delivered to the workflow engine and was not saved. Try again.');
    }
  }

  private async requestFor(token: string): Promise<EvidenceRequestEntity> {
    const check = verifyUploadLink(token, this.config.uploadLinkSecret);
    if (!check.valid) {
      if (check.reason === 'expired') throw new ProblemException(410, 'Gone', 'This upload link has expired. Ask the open government office for a new one.');
      throw new ProblemException(401, 'Unauthorized', 'This upload link is not valid.');
    }
    const request = await this.requests.findOneBy({ id: check.claims.evidenceRequestId });
    if (!request) throw new ProblemException(404, 'Not Found', 'The evidence request of this link does not exist.');
    return request;
  }
}
