import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { UploadIdempotencyInterceptor } from '../common/idempotency.interceptor';
import { ScopeModule } from '../auth/scope.module';
import { EvidenceReadService } from './evidence-read.service';
import { EvidenceMulterModule, EvidenceUploadErrorsInterceptor } from './evidence-upload.interceptor';
import { EvidenceUploadsController } from './evidence-uploads.controller';
import { EvidenceUploadsService } from './evidence-uploads.service';
import { MilestoneEvidenceController } from './milestone-evidence.controller';

@Module({
  imports: [StorageModule, ScopeModule, EvidenceMulterModule],
  controllers: [EvidenceUploadsController, MilestoneEvidenceController],
  providers: [EvidenceUploadsService, EvidenceReadService, EvidenceUploadErrorsInterceptor, UploadIdempotencyInterceptor],
})
export class EvidenceModule {}
