import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { MailModule } from '@app/mail';
import { PersistenceModule } from '@app/persistence';
import { StorageModule } from '@app/storage';
import { TemporalClientModule } from '@app/temporal';
import { ApplicationModule } from '@app/application';
import { CheckInActivities } from './activities/check-in.activities';
import { DigestActivities } from './activities/digest.activities';
import { HousekeepingActivities } from './activities/housekeeping.activities';
import { MilestoneActivities } from './activities/milestone.activities';
import { TemporalWorkerService } from './temporal/temporal-worker.service';

@Module({
  // The Temporal client (schedules, reconciling workflows) next to the worker's own NativeConnection.
  imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), TemporalClientModule, ApplicationModule, MailModule, StorageModule],
  providers: [MilestoneActivities, HousekeepingActivities, CheckInActivities, DigestActivities, TemporalWorkerService],
})
export class WorkerModule {}
