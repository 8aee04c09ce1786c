import { Global, Module } from '@nestjs/common';
import { CheckInWorkflows } from './check-in-workflows';
import { CommitmentWorkflows } from './commitment-workflows';
import { DialogueBoardSchedules } from './dialogue-board-schedules';
import { DigestSchedules } from './digest-schedules';
import { DigestWorkflows } from './digest-workflows';
import { MilestoneWorkflows } from './milestone-workflows';
import { Schedules } from './schedules';
import { TEMPORAL_CLIENT, TemporalConnection } from './temporal-client.module';

/** The Temporal client and the typed gateways: one per kind of workflow, and the schedules. The API and the worker both import it. */
@Global()
@Module({
  providers: [TemporalConnection, { provide: TEMPORAL_CLIENT, inject: [TemporalConnection], useFactory: (c: TemporalConnection) => c.client }, CommitmentWorkflows, MilestoneWorkflows, Schedules, DialogueBoardSchedules, CheckInWorkflows, DigestSchedules, DigestWorkflows],
  exports: [TemporalConnection, TEMPORAL_CLIENT, CommitmentWorkflows, MilestoneWorkflows, Schedules, DialogueBoardSchedules, CheckInWorkflows, DigestSchedules, DigestWorkflows],
})
export class TemporalClientModule {}
