import { Module } from '@nestjs/common';
import { JurisdictionsModule } from '../jurisdictions/jurisdictions.module';
import { DialogueBoardController } from './dialogue-board.controller';
import { DialogueBoardService } from './dialogue-board.service';

/** The Dialogue Board's members; the monthly check-ins will live here too. */
@Module({ imports: [JurisdictionsModule], controllers: [DialogueBoardController], providers: [DialogueBoardService] })
export class DialogueBoardModule {}
