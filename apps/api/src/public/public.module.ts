import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { PublicController } from './public.controller';
import { PublicCheckInsService } from './public-check-ins.service';
import { OpenDataService } from './open-data.service';
import { PublicDigestsService } from './public-digests.service';
import { PublicReadCache } from './public-read-cache';
import { PublicReadInterceptor } from './public-read.interceptor';
import { PublicService } from './public.service';

/** Published plans for anyone: JSON, open data and feeds through one read cache (PublicReadCache, exported for the public pages). */
@Module({
  imports: [PlansModule],
  controllers: [PublicController],
  providers: [PublicService, PublicCheckInsService, PublicDigestsService, OpenDataService, PublicReadCache, PublicReadInterceptor],
  exports: [PublicReadCache, PublicService, PublicCheckInsService, PublicDigestsService, OpenDataService],
})
export class PublicModule {}
