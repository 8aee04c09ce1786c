/** What global setup started, for global teardown (both run in jest's parent process). */
export const TEST_STACK = Symbol.for('ogp-monitor.test-stack');

export interface TestStackHandle {
  stops: (() => Promise<void>)[];
  database?: { serverUrl: string; name: string };
}
