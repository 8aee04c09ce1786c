import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';

const LEVELS: Record<string, LogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/**
 * Installs the Temporal runtime once per process: SDK logs as JSON lines like the rest, and no
 * signal handlers of its own. The SDK's default handlers would end the process on SIGINT/SIGTERM
 * before Nest's shutdown hooks have drained the worker and closed the connections.
 */
export function installTemporalRuntime(logLevel: string = 'info'): void {
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(LEVELS[logLevel] ?? 'INFO', ({ level, message, meta, timestampNanos }) => {
      const line = JSON.stringify({ level: level.toLowerCase(), timestamp: Number(timestampNanos / 1_000_000n), context: 'temporal-sdk', message, ...meta });
      (level === 'ERROR' || level === 'WARN' ? process.stderr : process.stdout).write(`${line}\n`);
    }),
  });
}
