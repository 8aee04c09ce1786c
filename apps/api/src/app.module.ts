import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AppConfigModule } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { TemporalClientModule } from '@app/temporal';
import { CoordinatorTokenGuard } from './auth/coordinator-token.guard';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { RequestLoggerMiddleware } from './common/request-logger.middleware';
import { EvidenceModule } from './evidence/evidence.module';
import { HealthModule } from './health/health.module';
import { PlansModule } from './plans/plans.module';

@Module({
  imports: [AppConfigModule, PersistenceModule.forRoot({ applyMigrations: true }), TemporalClientModule, HealthModule, PlansModule, EvidenceModule],
  providers: [
    { provide: APP_GUARD, useClass: CoordinatorTokenGuard },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggerMiddleware).forRoutes('*path');
  }
}
