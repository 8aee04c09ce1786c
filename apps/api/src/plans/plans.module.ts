import { Module } from '@nestjs/common';
import { JurisdictionsModule } from '../jurisdictions/jurisdictions.module';
import { CommitmentsController } from './commitments.controller';
import { CommitmentsService } from './commitments.service';
import { MilestoneWorkflowSync } from './milestone-workflow-sync.service';
import { MilestonesController } from './milestones.controller';
import { MilestonesService } from './milestones.service';
import { PlanScope } from './plan-scope.service';
import { PlanTreeLoader } from './plan-tree.loader';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';
import { ProgressService } from './progress.service';

@Module({
  imports: [JurisdictionsModule],
  controllers: [PlansController, CommitmentsController, MilestonesController],
  providers: [PlanScope, PlansService, CommitmentsService, MilestonesService, MilestoneWorkflowSync, ProgressService, PlanTreeLoader],
  exports: [PlanScope, PlanTreeLoader, PlansService, CommitmentsService, MilestonesService, MilestoneWorkflowSync, ProgressService],
})
export class PlansModule {}
