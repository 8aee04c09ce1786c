import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { AppConfig } from './app-config';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

/** Structured logs: one JSON object per line, for the API and the worker alike. */
export function jsonLogger(context: string, level: AppConfig['logLevel'] = 'info'): ConsoleLogger {
  return new ConsoleLogger({ json: true, context, logLevels: LEVELS[level] });
}
