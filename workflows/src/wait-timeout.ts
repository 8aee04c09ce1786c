/**
 * The timeout of a wait until `at` (ms since the epoch). With `timerAlways` (runs with the
 * `clock-from-history` marker) it is at least 1 ms, so every wait starts a timer whatever the clock
 * says: `condition(fn, 0)` takes another path in the SDK (a patch marker and no timer on replay),
 * and a run whose task time differs from its replay's would then issue other commands (README, "Time
 * in workflows"). Older runs keep 0 for a past instant.
 */
export function waitTimeout(at: number, timerAlways: boolean, now = Date.now()): number {
  return Math.max(timerAlways ? 1 : 0, at - now);
}
