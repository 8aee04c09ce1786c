import { Global, Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { MilestoneWorkflowSync } from './milestone-workflow-sync.service';
import { USE_CASES } from './usecases';

/**
 * Use cases both the API and the worker run (activation, closing, reconciling workflows, delivering
 * evidence). Needs PersistenceModule.forRoot and TemporalClientModule (both global) in the app.
 */
@Global()
@Module({
  imports: [StorageModule],
  providers: [MilestoneWorkflowSync, ...USE_CASES],
  exports: [MilestoneWorkflowSync, ...USE_CASES],
})
export class ApplicationModule {}
