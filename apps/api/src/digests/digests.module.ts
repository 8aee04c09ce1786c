import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { DigestScheduleController } from './digest-schedule.controller';
import { DigestScheduleService } from './digest-schedule.service';
import { DigestsController } from './digests.controller';
import { DigestsService } from './digests.service';

/** The monthly digest: its schedule, the archive, each month's send and its controls. */
@Module({
  imports: [ScopeModule],
  controllers: [DigestsController, DigestScheduleController],
  providers: [DigestsService, DigestScheduleService],
})
export class DigestsModule {}
