import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { PublicController } from './public.controller';
import { PublicCheckInsService } from './public-check-ins.service';
import { PublicService } from './public.service';

@Module({ imports: [PlansModule], controllers: [PublicController], providers: [PublicService, PublicCheckInsService] })
export class PublicModule {}
