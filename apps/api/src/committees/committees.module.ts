import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { CommitteesController } from './committees.controller';
import { CommitteesService } from './committees.service';

@Module({ imports: [ScopeModule], controllers: [CommitteesController], providers: [CommitteesService] })
export class CommitteesModule {}
