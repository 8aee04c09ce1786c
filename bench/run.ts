/**
 * `npm run bench -- <name> [args...]`: runs bench/<name>.bench.ts (e.g. `npm run bench -- digest`,
 * `npm run bench -- digest 10000`). Benchmarks are not tests: they print figures (BENCHMARKS.md).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const [name] = process.argv.slice(2);
const file = name ? path.join(__dirname, `${name}.bench.ts`) : '';
if (!name || !existsSync(file)) {
  console.error(`usage: npm run bench -- <name> [args...]; benchmarks: digest, public, scale`);
  process.exit(2);
}
require(file);
