import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { TemporalConnection } from '@app/temporal';
import { Public } from '../auth/roles.decorator';
import { ProblemException } from '../common/problem-details.filter';

/**
 * Readiness: the database answers and the Temporal frontend answers. 503 when either does not, as
 * problem+json naming what is down in `errors` (field: `database` or `temporal`).
 */
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
  async check() {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database').withTimeout(2000),
        () =>
          this.indicators
            .check('temporal')
            .attempt(async () => {
              // A deadline of its own: without it the client retries an unreachable server long after this check gave up.
              const { connection } = this.temporal;
              const info = await connection.withDeadline(Date.now() + 2500, () => connection.workflowService.getSystemInfo({}));
              return { serverVersion: info.serverVersion ?? 'unknown' };
            })
            .withTimeout(3000),
      ]);
    } catch (error) {
      // Terminus' own 503 body would be replaced by a bare problem document: say what is down.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as Partial<HealthCheckResult>;
      const down = Object.entries(result.error ?? {}).map(([field, value]) => ({ field, message: typeof value?.message === 'string' ? value.message : 'down' }));
      throw new ProblemException(503, 'Service Unavailable', `Not ready: ${down.map((d) => d.field).join(' and ') || 'a dependency'} down.`, down);
    }
  }
}
