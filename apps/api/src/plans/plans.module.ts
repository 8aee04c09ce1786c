import { Module } from '@nestjs/common';
import { JurisdictionsController } from './jurisdictions.controller';
import { JurisdictionsService } from './jurisdictions.service';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

@Module({
  controllers: [JurisdictionsController, PlansController],
  providers: [JurisdictionsService, PlansService],
  exports: [PlansService],
})
export class PlansModule {}
