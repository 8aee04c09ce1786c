import { Catch, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemDetails, ProblemDetailsFilter } from '../common/problem-details.filter';
import { languageChoice } from './page-language';
import { PublicPagesService } from './public-pages.service';

/**
 * Errors of the public pages: a reader's browser gets an HTML page for "too many requests" (429)
 * and "temporarily unavailable" (5xx), in the language asked for, with the same status and
 * Retry-After as the problem document an API client gets. Every other refusal (401 for a bad
 * token, 413) stays problem+json, like on any route; 404 and the form's 400 are pages already.
 */
@Injectable()
@Catch()
export class PublicPageErrorFilter extends ProblemDetailsFilter {
  constructor(private readonly pages: PublicPagesService) {
    super();
  }

  protected override send(request: Request, response: Response, problem: ProblemDetails): void {
    if (problem.status !== 429 && problem.status < 500) return super.send(request, response, problem);
    const status = problem.status === 429 ? 429 : 503;
    const retryAfter = Number(response.getHeader('Retry-After')) || 0;
    const page = this.pages.errorPage(status, languageChoice(request), retryAfter);
    response.status(status).setHeader('Cache-Control', 'no-store');
    response.setHeader('Content-Language', page.language);
    response.type('html').send('html' in page ? page.html : page.cached.body);
  }
}
