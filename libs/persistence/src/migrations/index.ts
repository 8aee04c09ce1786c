import { Foundation1763900000000 } from './1763900000000-foundation';

/** In order. Listed by class so the same list works from TypeScript sources and from dist/. */
export const MIGRATIONS = [Foundation1763900000000];
