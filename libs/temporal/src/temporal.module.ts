import { Global, Module } from '@nestjs/common';
import { MilestoneWorkflows } from './milestone-workflows';
import { TEMPORAL_CLIENT, TemporalConnection } from './temporal-client.module';

/** The Temporal client and the typed gateways to each kind of workflow. */
@Global()
@Module({
  providers: [TemporalConnection, { provide: TEMPORAL_CLIENT, inject: [TemporalConnection], useFactory: (c: TemporalConnection) => c.client }, MilestoneWorkflows],
  exports: [TemporalConnection, TEMPORAL_CLIENT, MilestoneWorkflows],
})
export class TemporalClientModule {}
