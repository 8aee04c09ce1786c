/**
 * CI and developers: finds Mailpit or builds it once into the cache (as `npm start` would), then
 * prints its path. Exits 1 with the reason when it can be neither found nor built.
 */
import { resolveMailpit } from './mailpit';

resolveMailpit((message) => process.stderr.write(`${message}\n`)).then(
  (result) => {
    if ('unavailable' in result) {
      process.stderr.write(`Mailpit is not available: ${result.unavailable}\n`);
      process.exit(1);
    }
    process.stdout.write(`${result.path}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`Mailpit is not available: ${String(error)}\n`);
    process.exit(1);
  },
);
