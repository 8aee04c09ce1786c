import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { DigestsController } from './digests.controller';
import { DigestsService } from './digests.service';

/** The monthly digest: the archive, each month's send and its controls. */
@Module({
  imports: [ScopeModule],
  controllers: [DigestsController],
  providers: [DigestsService],
})
export class DigestsModule {}
