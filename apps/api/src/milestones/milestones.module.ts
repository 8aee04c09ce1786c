import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { MilestoneWorkflowSync } from './milestone-workflow-sync.service';
import { MilestonesController } from './milestones.controller';
import { MilestonesService } from './milestones.service';

@Module({
  imports: [ScopeModule],
  controllers: [MilestonesController],
  providers: [MilestonesService, MilestoneWorkflowSync],
  exports: [MilestonesService, MilestoneWorkflowSync],
})
export class MilestonesModule {}
