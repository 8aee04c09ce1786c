import { Module } from '@nestjs/common';
import { MailModule } from '@app/mail';
import { ScopeModule } from '../auth/scope.module';
import { SubscriberMailer } from './subscriber-mailer';
import { SubscribersController } from './subscribers.controller';
import { SubscribersService } from './subscribers.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Subscribers of the monthly digest: the public's subscription (double opt-in, preferences and
 * one-click unsubscribe pages through signed links) and the coordinator's side (counts, subject
 * access, erasure, import). The subscribe route spends its own per-client budget besides the public
 * one (@SubscribeRateLimit; the app-wide rate limit is in common/rate-limit.ts).
 */
@Module({
  imports: [ScopeModule, MailModule],
  controllers: [SubscriptionsController, SubscribersController],
  providers: [SubscriptionsService, SubscribersService, SubscriberMailer],
  // The public pages' subscription form uses the same double opt-in.
  exports: [SubscriptionsService],
})
export class SubscribersModule {}
