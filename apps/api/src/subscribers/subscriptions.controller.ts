import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SUPPORTED_LANGUAGES, type Language } from '@app/domain';
import { Public } from '../auth/roles.decorator';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { SubscribeRateLimit } from '../common/rate-limit';
import { UuidParam } from '../common/uuid-param';
import { PreferencesFormDto, SubscribeDto, SubscriptionAcceptedDto } from './dto/subscriber.dto';
import { PAGE_HEADERS } from './subscription-pages';
import { pageHtml, PageAnswer, SubscriptionsService } from './subscriptions.service';

@ApiTags('subscriptions')
@Public()
@Controller()
export class SubscriptionsController {
  constructor(private readonly service: SubscriptionsService) {}

  @Post('public/plans/:planId/subscriptions')
  @SubscribeRateLimit()
  @HttpCode(202)
  @ApiProblemResponses([[429, 'Too many requests from this client; Retry-After says when to try again']])
  @ApiOperation({
    summary:
      'Subscribe an address to the monthly public digest of an active plan, or of some of its commitments (double opt-in: a confirmation email with an expiring link). The answer is the same whether or not the address is already known. Rate-limited per client',
  })
  @ApiAcceptedResponse({ type: SubscriptionAcceptedDto })
  subscribe(@UuidParam('planId') planId: string, @Body() dto: SubscribeDto): Promise<SubscriptionAcceptedDto> {
    return this.service.subscribe(planId, dto);
  }

  @Get('subscriptions/confirm/:token')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The confirmation link of the double opt-in: confirms and shows a page (410 once the link has expired, 404 for a link that is not valid)' })
  @ApiPageResponses()
  async confirm(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.service.confirm(token, preferredLanguage(request)));
  }

  @Get('subscriptions/manage/:token')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The preferences page (topics: commitments of the plan, language), reached from every subscriber email without a password' })
  @ApiPageResponses()
  async preferences(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.service.preferences(token, preferredLanguage(request)));
  }

  @Post('subscriptions/manage/:token')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Saves the preferences form (language; commitmentIds checked, none for the whole plan) and shows the page again' })
  @ApiPageResponses()
  async savePreferences(@Param('token') token: string, @Body() form: PreferencesFormDto, @Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.service.preferences(token, preferredLanguage(request), form));
  }

  @Get('subscriptions/unsubscribe/:token')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The unsubscribe page: a button (a form POST to the same URL); a GET changes nothing, so link scanners unsubscribe no one' })
  @ApiPageResponses()
  async unsubscribePage(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.service.unsubscribePage(token, preferredLanguage(request)));
  }

  @Post('subscriptions/unsubscribe/:token')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @ApiBody({ required: false, description: 'RFC 8058 one-click: `List-Unsubscribe=One-Click`; any body (or none) is accepted, the signed link decides', schema: { type: 'string', example: 'List-Unsubscribe=One-Click' } })
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Unsubscribes (RFC 8058 one-click POST, or the page\'s button) and answers 200 with a page; repeating it changes nothing' })
  @ApiPageResponses()
  async unsubscribe(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.service.unsubscribe(token, preferredLanguage(request)));
  }
}

function ApiPageResponses() {
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    for (const [status, description] of [
      [200, 'An HTML page'],
      [404, 'The link is not valid (HTML page)'],
      [410, 'The link has expired (HTML page)'],
    ] as const) {
      ApiResponse({ status, description, content: { 'text/html': { schema: { type: 'string' } } } })(target, key, descriptor);
    }
  };
}

/** The language of a page about no known subscriber (a broken link): the browser's preference among ours. */
function preferredLanguage(request: Request): Language {
  return (request.acceptsLanguages([...SUPPORTED_LANGUAGES]) || 'en') as Language;
}

function send(response: Response, answer: PageAnswer): void {
  response.status(answer.status).set(PAGE_HEADERS).send(pageHtml(answer));
}
