import { TestWorkflowEnvironment } from '@temporalio/testing';
import { OGP_SEARCH_ATTRIBUTES } from '../../workflows/src/search-attributes';
import { INSTALL_HINT, resolveTemporalCli, TemporalCliUnavailableError } from './temporal-cli';

export interface TemporalDevServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  ip?: string;
  /** Omit for a free port (tests). */
  port?: number;
  /** Omit to run without the Web UI. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server (tests). */
  dbFilename?: string;
  /** Dynamic config values (`KEY=VALUE`), e.g. a low continue-as-new threshold for a test. */
  dynamicConfig?: string[];
  log: (message: string) => void;
}

/** Starts the Temporal CLI dev server (found or built by resolveTemporalCli) and waits until it serves. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const source = await resolveTemporalCli(options.log);
  const executable = source.kind === 'path' ? ({ type: 'existing-path', path: source.path } as const) : ({ type: 'cached-download' } as const);
  if (source.kind === 'download') options.log('Neither Go nor a Temporal CLI was found; trying the SDK download of the Temporal CLI.');
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ip: options.ip ?? '127.0.0.1',
        port: options.port,
        ui: options.uiPort !== undefined,
        uiPort: options.uiPort,
        dbFilename: options.dbFilename,
        log: { format: 'json', level: 'error' },
        searchAttributes: OGP_SEARCH_ATTRIBUTES,
        extraArgs: (options.dynamicConfig ?? []).flatMap((value) => ['--dynamic-config-value', value]),
      },
    });
  } catch (error) {
    if (source.kind === 'download' || error instanceof TemporalCliUnavailableError) throw new TemporalCliUnavailableError(`${INSTALL_HINT} (${String(error)})`);
    throw error;
  }
  const address = env.address;
  return {
    address,
    uiUrl: options.uiPort !== undefined ? `http://${options.ip ?? '127.0.0.1'}:${options.uiPort}` : null,
    stop: () => env.teardown(),
  };
}
