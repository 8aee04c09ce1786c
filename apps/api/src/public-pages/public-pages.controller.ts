import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SUPPORTED_LANGUAGES, type Language } from '@app/domain';
import { Public } from '../auth/roles.decorator';
import { SubscribeRateLimit } from '../common/rate-limit';
import { assertPublicBudget, type CachedAnswerLookup } from '../public/public-fast-path';
import { applyConditionalGet } from '../public/public-read.interceptor';
import { PUBLIC_CSS } from './page-layout';
import { fromHeader, languageChoice } from './page-language';
import { PublicPageErrorFilter } from './public-page-error.filter';
import { type PageRoute, parsePagePath, PublicPagesService, type RenderedPage, type SubscribeForm } from './public-pages.service';

/** Pages are shared caches' business too: the language negotiated from Accept-Language makes them vary by it. */
const VARY = 'Accept-Language';
/** What Express's `res.type('html')` sets. */
const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * The public pages: server-rendered HTML by jurisdiction slug (`/p/<slug>/...`), in the reader's
 * language (`?lang=`, Accept-Language, the jurisdiction's default), working without JavaScript.
 * GETs are cached (PublicReadCache) and answer conditional requests (ETag, Last-Modified, 304).
 */
@ApiTags('public pages')
@Public()
@UseFilters(PublicPageErrorFilter)
@Controller()
export class PublicPagesController {
  constructor(private readonly pages: PublicPagesService) {}

  @Get('assets/public.css')
  @ApiExcludeEndpoint()
  stylesheet(@Res() res: Response): void {
    // The pages link it with its content hash in the query (?v=...): a new stylesheet is a new address.
    res.status(200).set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable' }).send(PUBLIC_CSS);
  }

  @Get('p/:slug')
  @ApiPage("A jurisdiction's published action plans with their progress")
  async plans(@Param('slug') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'plans', slug });
  }

  @Get('p/:slug/open-data')
  @ApiPage('The open data downloads of the jurisdiction\'s plans: routes, formats and contents, and the OpenAPI document')
  async openData(@Param('slug') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'openData', slug });
  }

  @Get('p/:slug/plans/:planId')
  @ApiPage('A plan: vision, period, progress per commitment with OGP completion levels, links to commitments, check-ins, digests, subscription and open data')
  async plan(@Param('slug') slug: string, @Param('planId') planId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'plan', slug, planId });
  }

  @Get('p/:slug/plans/:planId/commitments/:commitmentId')
  @ApiPage("A commitment: milestones with due dates and replanning history, public evidence, the government's and the IMB's assessments, the follow-up committee's organisations")
  async commitment(@Param('slug') slug: string, @Param('planId') planId: string, @Param('commitmentId') commitmentId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'commitment', slug, planId, commitmentId });
  }

  @Get('p/:slug/plans/:planId/check-ins')
  @ApiPage("The plan's Dialogue Board check-ins")
  async checkIns(@Param('slug') slug: string, @Param('planId') planId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'checkIns', slug, planId });
  }

  @Get('p/:slug/plans/:planId/check-ins/:checkInId')
  @ApiPage('A check-in: agenda; once approved, the minutes, decisions and open action items (titles only)')
  async checkIn(@Param('slug') slug: string, @Param('planId') planId: string, @Param('checkInId') checkInId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'checkIn', slug, planId, checkInId });
  }

  @Get('p/:slug/plans/:planId/digests')
  @ApiPage("The plan's monthly digest archive")
  async digests(@Param('slug') slug: string, @Param('planId') planId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'digests', slug, planId });
  }

  @Get('p/:slug/plans/:planId/digests/:month')
  @ApiPage("A month's digest (YYYY-MM), rendered from its stored content in the page's language")
  async digest(@Param('slug') slug: string, @Param('planId') planId: string, @Param('month') month: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'digest', slug, planId, month });
  }

  @Get('p/:slug/plans/:planId/subscribe')
  @ApiPage('The subscription form of the monthly digest (posts to the same address, no JavaScript needed)')
  async subscribeForm(@Param('slug') slug: string, @Param('planId') planId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(req, res, { kind: 'subscribe', slug, planId });
  }

  @Post('p/:slug/plans/:planId/subscribe')
  @SubscribeRateLimit()
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @ApiQuery({ name: 'lang', required: false, enum: SUPPORTED_LANGUAGES })
  @ApiOperation({
    summary:
      'The subscription form posted (email, language, commitmentIds): the double opt-in of POST /public/plans/{planId}/subscriptions. Answers the same "check your inbox" page whether or not the address is known; bad input shows the form again naming the fields (400)',
  })
  @ApiResponse({ status: 200, description: '"Check your inbox" (HTML)', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 400, description: 'The form again, with the invalid fields named (HTML)', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 404, description: 'No such published plan (HTML)', content: { 'text/html': { schema: { type: 'string' } } } })
  async subscribe(@Param('slug') slug: string, @Param('planId') planId: string, @Body() form: SubscribeForm, @Query('lang') lang: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = await this.pages.subscribe({ kind: 'subscribe', slug, planId }, form ?? {}, { query: lang, fromHeader: fromHeader(req) });
    res.setHeader('Cache-Control', 'no-store');
    write(res, page);
  }

  private async send(req: Request, res: Response, route: PageRoute): Promise<void> {
    const page = await this.pages.render(route, languageChoice(req));
    res.setHeader('Vary', VARY);
    if ('cached' in page) {
      res.setHeader('Content-Language', page.language);
      if (applyConditionalGet(req, res, page.cached)) {
        res.status(304).end();
        return;
      }
      res.status(200).type('html').send(page.cached.body);
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    write(res, page);
  }
}

function write(res: Response, page: RenderedPage): void {
  res.setHeader('Content-Language', page.language);
  res.status(page.status).type('html').send('html' in page ? page.html : page.cached.body);
}

/**
 * The public read fast path's view of the GET page routes above: the page `send` would answer 200
 * with (same route, language choice and cache key, through PublicPagesService.cachedPage) when it is
 * fresh in the cache, with the headers `send` sets for it.
 */
export function cachedPageLookup(pages: PublicPagesService): CachedAnswerLookup {
  // The GET routes parsePagePath reads (every kind of PageRoute).
  assertPublicBudget(PublicPagesController, ['plans', 'openData', 'plan', 'commitment', 'checkIns', 'checkIn', 'digests', 'digest', 'subscribeForm']);
  return (req, path) => {
    const route = path.startsWith('/p/') ? parsePagePath(path) : undefined;
    const hit = route && pages.cachedPage(route, languageChoice(req));
    return (
      hit && {
        cached: hit.cached,
        headers: () => [
          ['Content-Type', HTML_TYPE],
          ['Vary', VARY],
          ['Content-Language', hit.language],
        ],
      }
    );
  };
}

/** OpenAPI: an HTML page, in the language of `?lang=` or Accept-Language; 404 as an HTML page too. */
function ApiPage(summary: string): MethodDecorator {
  return (target, key, descriptor) => {
    ApiOperation({ summary: `${summary}. HTML, in es, en, fr or pt (?lang=, else Accept-Language, else the jurisdiction's default); ETag/Last-Modified with 304` })(target, key, descriptor);
    ApiProduces('text/html')(target, key, descriptor);
    ApiQuery({ name: 'lang', required: false, enum: SUPPORTED_LANGUAGES })(target, key, descriptor);
    ApiResponse({ status: 200, description: 'The page (HTML)', content: { 'text/html': { schema: { type: 'string' } } } })(target, key, descriptor);
    ApiResponse({ status: 404, description: 'No such published page (HTML, in the same language)', content: { 'text/html': { schema: { type: 'string' } } } })(target, key, descriptor);
  };
}
