import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { MailModule } from '@app/mail';
import { PersistenceModule } from '@app/persistence';
import { StorageModule } from '@app/storage';
import { HousekeepingActivities } from './activities/housekeeping.activities';
import { MilestoneActivities } from './activities/milestone.activities';
import { TemporalWorkerService } from './temporal/temporal-worker.service';

@Module({
  imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule, StorageModule],
  providers: [MilestoneActivities, HousekeepingActivities, TemporalWorkerService],
})
export class WorkerModule {}
