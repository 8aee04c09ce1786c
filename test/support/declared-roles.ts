import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';

/** "METHOD /path" as the OpenAPI document names an operation, e.g. "GET /plans/{planId}". */
export type RouteKey = string;

export type RolesByRoute = Map<RouteKey, string[] | undefined>;

interface OpenApiPaths {
  paths: Record<string, Record<string, { 'x-roles'?: string[] } | unknown>>;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** `x-roles` of every operation of an OpenAPI document (undefined where the operation declares none). */
export function rolesInDocument(document: OpenApiPaths): RolesByRoute {
  const roles: RolesByRoute = new Map();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (HTTP_METHODS.includes(method)) roles.set(`${method.toUpperCase()} ${path}`, (operation as { 'x-roles'?: string[] })['x-roles']);
    }
  }
  return roles;
}

/**
 * The same `x-roles` read synchronously from the decorators of the controllers a module reaches, where
 * @nestjs/swagger reads them to write the document. Tests need it when jest collects them (before
 * any server runs), to name each cell with its expected status; a test that has the served document
 * checks that the two agree.
 */
export function rolesInControllers(rootModule: unknown): RolesByRoute {
  const roles: RolesByRoute = new Map();
  for (const controller of controllersOf(rootModule, new Set())) {
    if (Reflect.getMetadata('swagger/apiExcludeController', controller)?.[0]) continue;
    const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
      if (typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
      if (Reflect.getMetadata('swagger/apiExcludeEndpoint', handler)?.disable) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const declared = (Reflect.getMetadata('swagger/apiExtension', handler) as Record<string, unknown> | undefined)?.['x-roles'] as string[] | undefined;
      for (const prefix of prefixes) {
        for (const path of asArray(Reflect.getMetadata(PATH_METADATA, handler) ?? '')) roles.set(`${method} ${openApiPath(prefix, path)}`, declared);
      }
    }
  }
  return roles;
}

type ModuleLike = { module?: unknown; controllers?: unknown[]; imports?: unknown[]; forwardRef?: () => unknown };

function controllersOf(entry: unknown, seen: Set<unknown>): (new (...args: never[]) => unknown)[] {
  const resolved = (entry as ModuleLike | undefined)?.forwardRef ? (entry as ModuleLike).forwardRef!() : entry;
  if (!resolved || seen.has(resolved) || resolved instanceof Promise) return [];
  seen.add(resolved);
  // A dynamic module ({ module, imports, controllers }) adds to what its class declares.
  const dynamic = typeof resolved === 'object' ? (resolved as ModuleLike) : {};
  const moduleClass = typeof resolved === 'function' ? resolved : dynamic.module;
  const own = [...((moduleClass && Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, moduleClass as object)) ?? []), ...(dynamic.controllers ?? [])];
  const imports = [...((moduleClass && Reflect.getMetadata(MODULE_METADATA.IMPORTS, moduleClass as object)) ?? []), ...(dynamic.imports ?? [])];
  return [...own, ...imports.flatMap((child: unknown) => controllersOf(child, seen))];
}

const asArray = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** Nest's "plans/:planId" under "/" becomes OpenAPI's "/plans/{planId}". */
function openApiPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return joined.replace(/:(\w+)/g, '{$1}');
}
