import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { JurisdictionsModule } from '../jurisdictions/jurisdictions.module';
import { ActionItemsService } from './action-items.service';
import { CheckInScheduleController } from './check-in-schedule.controller';
import { CheckInScheduleService } from './check-in-schedule.service';
import { CheckInsController } from './check-ins.controller';
import { CheckInsService } from './check-ins.service';
import { DialogueBoardController } from './dialogue-board.controller';
import { DialogueBoardService } from './dialogue-board.service';

/** The Dialogue Board: its members, its check-in schedule, the check-ins and their action items. */
@Module({
  imports: [JurisdictionsModule, ScopeModule],
  controllers: [DialogueBoardController, CheckInScheduleController, CheckInsController],
  providers: [DialogueBoardService, CheckInScheduleService, CheckInsService, ActionItemsService],
})
export class DialogueBoardModule {}
