import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { UploadIdempotencyInterceptor } from '../common/idempotency.interceptor';
import { ScopeModule } from '../auth/scope.module';
import { EvidenceReadService } from './evidence-read.service';
import { DEFAULT_EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS, EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS, EvidenceMulterModule, EvidenceUploadErrorsInterceptor } from './evidence-upload.interceptor';
import { EvidenceUploadsController } from './evidence-uploads.controller';
import { EvidenceUploadsService } from './evidence-uploads.service';
import { MilestoneEvidenceController } from './milestone-evidence.controller';

@Module({
  imports: [StorageModule, ScopeModule, EvidenceMulterModule],
  controllers: [EvidenceUploadsController, MilestoneEvidenceController],
  providers: [{ provide: EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS, useValue: DEFAULT_EVIDENCE_UPLOAD_IDLE_TIMEOUT_MS }, EvidenceUploadsService, EvidenceReadService, EvidenceUploadErrorsInterceptor, UploadIdempotencyInterceptor],
})
export class EvidenceModule {}
