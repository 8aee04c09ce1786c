import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig, subscriberConfig } from '@app/config';
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
 * access, erasure, import). The subscribe route is rate-limited per client (ThrottlerGuard there only).
 */
@Module({
  imports: [
    ScopeModule,
    MailModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: subscriberConfig(config).subscribeLimitPerMinute }],
        errorMessage: 'Too many subscription requests from this client; try again after the time in Retry-After.',
      }),
    }),
  ],
  controllers: [SubscriptionsController, SubscribersController],
  providers: [SubscriptionsService, SubscribersService, SubscriberMailer],
})
export class SubscribersModule {}
