import { ExecutionContext, Injectable, Module, SetMetadata } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { APP_GUARD } from '@nestjs/core';
import { DEFAULT_IPV6_SUBNET_PREFIX, normalizeIp, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig, rateLimitConfig, subscriberConfig } from '@app/config';
import { IS_PUBLIC } from '../auth/roles.decorator';
import { ProblemException } from './problem-details.filter';
import { FixedWindowRateLimitStorage } from './rate-limit-storage';

/**
 * Per-client rate limits of the routes anyone may call without a token, in one place. Every
 * `@Public()` route spends one of two budgets of its client (the address Express sees: set
 * TRUST_PROXY behind a proxy; IPv6 by /64), counted in fixed one-minute windows across all routes of
 * that budget:
 * - `token`: a route reached through a signed link (its path has a `:token` parameter: subscribers'
 *   confirm, manage and unsubscribe pages, agencies' evidence upload links): TOKEN_RATE_LIMIT_PER_MINUTE;
 * - `public`: every other public route (/public/** JSON, open data and feeds, the /p/ pages): PUBLIC_RATE_LIMIT_PER_MINUTE.
 * A route marked @SubscribeRateLimit() also spends SUBSCRIBE_RATE_LIMIT_PER_MINUTE (it sends email).
 * /health (probes) and routes that need a token are not limited here. Over a limit: 429 problem+json
 * with Retry-After (seconds until the client's window ends).
 */
export type RateLimitBudget = 'public' | 'token';

const SUBSCRIBE_LIMITED = 'rateLimit:subscribe';
/** Routes outside every budget although public. */
const UNLIMITED_CONTROLLER_PATHS = new Set(['health']);
const WINDOW_MS = 60_000;

/** Addresses already normalised (parsing an IPv6 address is most of the tracker's cost); cleared when full. */
const trackers = new Map<string, string>();
const TRACKERS_KEPT = 10_000;

/** The client a request counts against: the address Express sees (TRUST_PROXY), IPv6 by /64. */
export function rateLimitTracker(request: Request): string {
  const ip = request.ip ?? '';
  let tracker = trackers.get(ip);
  if (tracker === undefined) {
    tracker = normalizeIp(ip, DEFAULT_IPV6_SUBNET_PREFIX);
    if (trackers.size >= TRACKERS_KEPT) trackers.clear();
    trackers.set(ip, tracker);
  }
  return tracker;
}

/** The storage key of a client's window in a budget (one window per budget and client, whatever the route). */
export function rateLimitKey(budget: string, tracker: string): string {
  return `${budget}:${tracker}`;
}

/** Requests a client may make per one-minute window in a budget. */
export function budgetLimit(config: AppConfig, budget: RateLimitBudget): number {
  const limits = rateLimitConfig(config);
  return budget === 'public' ? limits.publicPerMinute : limits.tokenPerMinute;
}

/**
 * Spends one request of `budget` for the request's client, exactly as RateLimitGuard does (same
 * storage, key, window and limit), for code that answers before Nest's guards run (the public read
 * fast path). Returns false when the client is over its limit: the caller then lets the request
 * through to Nest, whose guard counts it again (harmless: the window is already over) and answers
 * the 429 problem with Retry-After as for any other request.
 */
export function spendBudget(storage: FixedWindowRateLimitStorage, config: AppConfig, budget: RateLimitBudget, request: Request): boolean {
  return !storage.hit(rateLimitKey(budget, rateLimitTracker(request)), WINDOW_MS, budgetLimit(config, budget), Date.now()).isBlocked;
}

/** The route sends email to an address given by the caller: it also spends the subscribe budget. */
export const SubscribeRateLimit = () => SetMetadata(SUBSCRIBE_LIMITED, true);

const budgets = new WeakMap<object, RateLimitBudget | null>();

/** The budget a route spends, or undefined when it is not limited (read once per handler). */
export function routeBudget(handler: object, controller: object): RateLimitBudget | undefined {
  let budget = budgets.get(handler);
  if (budget === undefined) {
    budget = classify(handler, controller);
    budgets.set(handler, budget);
  }
  return budget ?? undefined;
}

function classify(handler: object, controller: object): RateLimitBudget | null {
  const isPublic = Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, controller) ?? false;
  if (!isPublic) return null;
  const controllerPaths = paths(controller);
  if (controllerPaths.some((path) => UNLIMITED_CONTROLLER_PATHS.has(path))) return null;
  const routePaths = [...controllerPaths, ...paths(handler)];
  return routePaths.some((path) => /(^|\/):token(\/|$)/.test(path)) ? 'token' : 'public';
}

function paths(target: object): string[] {
  const path: unknown = Reflect.getMetadata(PATH_METADATA, target);
  return (Array.isArray(path) ? path : [path]).filter((p): p is string => typeof p === 'string').map((p) => p.replace(/^\/+/, ''));
}

function budgetOf(context: ExecutionContext): RateLimitBudget | undefined {
  return context.getType() === 'http' ? routeBudget(context.getHandler(), context.getClass()) : undefined;
}

const MESSAGES: Record<string, string> = {
  public: 'Too many requests from this client to the public routes; try again after the seconds in Retry-After.',
  token: 'Too many requests from this client to signed-link routes; try again after the seconds in Retry-After.',
  subscribe: 'Too many subscription requests from this client; try again after the time in Retry-After.',
};

/** The throttler's settings: one named throttler per budget, each skipped by routes outside it. */
export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    storage: new FixedWindowRateLimitStorage(),
    // Retry-After is set by RateLimitGuard under its standard name; the throttler would suffix it with the throttler's name.
    setHeaders: false,
    throttlers: [
      { name: 'public', ttl: WINDOW_MS, limit: budgetLimit(config, 'public'), skipIf: (context) => budgetOf(context) !== 'public' },
      { name: 'token', ttl: WINDOW_MS, limit: budgetLimit(config, 'token'), skipIf: (context) => budgetOf(context) !== 'token' },
      {
        name: 'subscribe',
        ttl: WINDOW_MS,
        limit: subscriberConfig(config).subscribeLimitPerMinute,
        skipIf: (context) => context.getType() !== 'http' || !Reflect.getMetadata(SUBSCRIBE_LIMITED, context.getHandler()),
      },
    ],
  };
}

/** @nestjs/throttler's guard, keyed by budget and client (not by route), answering 429 problem+json with Retry-After. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return budgetOf(context) === undefined;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return rateLimitTracker(request as unknown as Request);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return rateLimitKey(throttlerName, tracker);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(detail.timeToBlockExpire));
    const throttler = detail.key.slice(0, detail.key.indexOf(':'));
    throw new ProblemException(429, 'Too Many Requests', MESSAGES[throttler] ?? MESSAGES.public);
  }
}

/** The app-wide rate limit: imported once by AppModule. */
@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: rateLimitOptions })],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
