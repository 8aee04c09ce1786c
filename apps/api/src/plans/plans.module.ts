import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { JurisdictionsModule } from '../jurisdictions/jurisdictions.module';
import { MilestonesModule } from '../milestones/milestones.module';
import { PlanTreeLoader } from './plan-tree.loader';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';
import { ProgressService } from './progress.service';

@Module({
  imports: [JurisdictionsModule, ScopeModule, MilestonesModule],
  controllers: [PlansController],
  providers: [PlansService, ProgressService, PlanTreeLoader],
  exports: [ProgressService, PlanTreeLoader],
})
export class PlansModule {}
