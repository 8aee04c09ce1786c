import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { MailModule } from '@app/mail';
import { PersistenceModule } from '@app/persistence';
import { MilestoneActivities } from './activities/milestone.activities';
import { TemporalWorkerService } from './temporal/temporal-worker.service';

@Module({
  imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: false }), MailModule],
  providers: [MilestoneActivities, TemporalWorkerService],
})
export class WorkerModule {}
