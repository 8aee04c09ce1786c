/**
 * The bare NestJS baseline of `npm run bench -- public`: one controller, GET / answers a small
 * JSON, on the same Express platform as the API; no guards, interceptors, pipes or database.
 * Listens on PORT (loopback). Run by tsx, whose esbuild would compile `@Get()` as a standard
 * (TC39) decorator: Nest's legacy decorators are applied by hand instead.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

class BareController {
  hello(): { ok: boolean; service: string } {
    return { ok: true, service: 'bare' };
  }
}
Get()(BareController.prototype, 'hello', Object.getOwnPropertyDescriptor(BareController.prototype, 'hello')!);
Controller()(BareController);

class BareModule {}
Module({ controllers: [BareController] })(BareModule);

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3999), '127.0.0.1');
}

void main();
