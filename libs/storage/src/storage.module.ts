import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVIDENCE_STORAGE, EvidenceStorage } from './evidence-storage';
import { LocalDiskEvidenceStorage } from './local-disk-evidence-storage';

/** Provides the EvidenceStorage (`@Inject(EVIDENCE_STORAGE)`): files under EVIDENCE_DIR. */
@Module({
  providers: [{ provide: EVIDENCE_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig): EvidenceStorage => new LocalDiskEvidenceStorage(config.evidenceDir) }],
  exports: [EVIDENCE_STORAGE],
})
export class StorageModule {}
