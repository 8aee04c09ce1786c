import { Module } from '@nestjs/common';
import { EvidenceUploadsController } from './evidence-uploads.controller';
import { EvidenceUploadsService } from './evidence-uploads.service';

@Module({
  controllers: [EvidenceUploadsController],
  providers: [EvidenceUploadsService],
})
export class EvidenceModule {}
