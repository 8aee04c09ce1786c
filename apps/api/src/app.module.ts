import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfigModule } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { TemporalClientModule } from '@app/temporal';
import { ApplicationModule } from '@app/application';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { EtagInterceptor } from './common/etag.interceptor';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { RateLimitModule } from './common/rate-limit';
import { RequestLoggerMiddleware } from './common/request-logger.middleware';
import { EvidenceModule } from './evidence/evidence.module';
import { ExchangeModule } from './exchange/exchange.module';
import { HealthModule } from './health/health.module';
import { JurisdictionsModule } from './jurisdictions/jurisdictions.module';
import { PlansModule } from './plans/plans.module';
import { CommitmentsModule } from './commitments/commitments.module';
import { CommitteesModule } from './committees/committees.module';
import { DialogueBoardModule } from './dialogue-board/dialogue-board.module';
import { DigestsModule } from './digests/digests.module';
import { MilestonesModule } from './milestones/milestones.module';
import { OutboxModule } from './outbox/outbox.module';
import { PublicModule } from './public/public.module';
import { PublicPagesModule } from './public-pages/public-pages.module';
import { ReviewModule } from './review/review.module';
import { SubscribersModule } from './subscribers/subscribers.module';

@Module({
  imports: [AppConfigModule, RateLimitModule, PersistenceModule.forRoot({ applyMigrations: true }), TemporalClientModule, ApplicationModule, HealthModule, JurisdictionsModule, DialogueBoardModule, PlansModule, CommitmentsModule, CommitteesModule, MilestonesModule, AuditModule, PublicModule, ExchangeModule, ReviewModule, OutboxModule, EvidenceModule, SubscribersModule, DigestsModule, PublicPagesModule],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    // Order matters: idempotency wraps the handler, the ETag is set on what it returns (or replays).
    { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggerMiddleware).forRoutes('*path');
  }
}
