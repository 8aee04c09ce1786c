import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';

@Module({ imports: [PlansModule], controllers: [ReviewController], providers: [ReviewService] })
export class ReviewModule {}
