import { Module } from '@nestjs/common';
import { PublicModule } from '../public/public.module';
import { SubscribersModule } from '../subscribers/subscribers.module';
import { PublicPagesController } from './public-pages.controller';
import { PublicPagesService } from './public-pages.service';

/**
 * The public pages (/p/<slug>/...) and their stylesheet, over the public read model and its cache
 * (PublicModule). The subscription form calls the digest's own double opt-in (SubscribersModule's
 * SubscriptionsService).
 */
@Module({
  imports: [PublicModule, SubscribersModule],
  controllers: [PublicPagesController],
  providers: [PublicPagesService],
})
export class PublicPagesModule {}
