import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { APP_CONFIG, AppConfig } from '@app/config';

export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');

/**
 * Owns the connection to Temporal. The connection is lazy: the API boots (and reports an unhealthy
 * Temporal on /health) even when Temporal is down, and connects on first use.
 */
@Injectable()
export class TemporalConnection implements OnApplicationShutdown {
  readonly connection: Connection;
  readonly client: Client;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = Connection.lazy({ address: config.temporal.address });
    this.client = new Client({ connection: this.connection, namespace: config.temporal.namespace });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

