import { Module } from '@nestjs/common';
import { JurisdictionsModule } from '../jurisdictions/jurisdictions.module';
import { ScopeModule } from '../auth/scope.module';
import { MilestonesModule } from '../milestones/milestones.module';
import { PlansModule } from '../plans/plans.module';
import { ExchangeController } from './exchange.controller';
import { PlanExportService } from './plan-export.service';
import { PlanImportService } from './plan-import.service';

@Module({ imports: [JurisdictionsModule, ScopeModule, PlansModule, MilestonesModule], controllers: [ExchangeController], providers: [PlanExportService, PlanImportService] })
export class ExchangeModule {}
