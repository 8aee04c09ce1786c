import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TemporalConnection } from '@app/temporal';
import { Public } from '../auth/roles.decorator';

/** Readiness: the database answers and the Temporal frontend answers. 503 when either does not. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly temporal: TemporalConnection,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Checks the database and the Temporal server' })
  check() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(2000),
      () =>
        this.indicators
          .check('temporal')
          .attempt(async () => {
            const info = await this.temporal.connection.workflowService.getSystemInfo({});
            return { serverVersion: info.serverVersion ?? 'unknown' };
          })
          .withTimeout(3000),
    ]);
  }
}
