import { Module } from '@nestjs/common';
import { ScopeModule } from '../auth/scope.module';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';

@Module({ imports: [ScopeModule], controllers: [ReviewController], providers: [ReviewService] })
export class ReviewModule {}
