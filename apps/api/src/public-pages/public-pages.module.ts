import { Module } from '@nestjs/common';
import { MailModule } from '@app/mail';
import { PublicModule } from '../public/public.module';
import { SubscriberMailer } from '../subscribers/subscriber-mailer';
import { SubscriptionsService } from '../subscribers/subscriptions.service';
import { PublicPagesController } from './public-pages.controller';
import { PublicPagesService } from './public-pages.service';

/**
 * The public pages (/p/<slug>/...) and their stylesheet, over the public read model and its cache
 * (PublicModule). The subscription form calls the digest's own double opt-in, SubscriptionsService
 * (stateless: this module provides its own instance rather than reaching into SubscribersModule).
 */
@Module({
  imports: [PublicModule, MailModule],
  controllers: [PublicPagesController],
  providers: [PublicPagesService, SubscriptionsService, SubscriberMailer],
})
export class PublicPagesModule {}
