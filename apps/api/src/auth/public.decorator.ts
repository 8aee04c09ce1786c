import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Marks a route that needs no bearer token (health, signed upload links). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
