import { dropDatabase } from '../../infra/dev-stack/embedded-postgres';
import { TEST_STACK, TestStackHandle } from './test-stack-handle';

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<symbol, unknown>)[TEST_STACK] as TestStackHandle | undefined;
  if (!handle) return;
  if (handle.database) await dropDatabase(handle.database.serverUrl, handle.database.name);
  for (const stop of handle.stops.reverse()) await stop();
}
