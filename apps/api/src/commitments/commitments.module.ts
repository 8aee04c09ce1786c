import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { MilestonesModule } from '../milestones/milestones.module';
import { CommitmentsController } from './commitments.controller';
import { CommitmentsService } from './commitments.service';

@Module({
  imports: [ScopeModule, MilestonesModule],
  controllers: [CommitmentsController],
  providers: [CommitmentsService],
  exports: [CommitmentsService],
})
export class CommitmentsModule {}
