import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ActionItemStatus, CheckInStatus, localDateTime } from '@app/domain';
import { APP_CONFIG, AppConfig } from '@app/config';
import { checkInFeedIcs, CheckInEvent } from '@app/mail';
import { ActionItemEntity, ActionPlanEntity, CheckInEntity, JurisdictionEntity } from '@app/persistence';
import { PublicCheckInDto } from './public.dto';
import { CachedRead, PublicReadCache } from './public-read-cache';
import { PUBLIC_READ_KEYS } from './public-read-keys';
import { findPublishedPlan } from './published-plan';

/**
 * A published plan's Dialogue Board check-ins for anyone: dates, place or link, agenda titles,
 * status; once approved, the minutes, decisions and titles of the open action items. Never a
 * person: no owners, no e-mail addresses, no agenda link labels (they name owners), no organizer.
 */
@Injectable()
export class PublicCheckInsService {
  constructor(
    @InjectRepository(ActionPlanEntity) private readonly plans: Repository<ActionPlanEntity>,
    @InjectRepository(JurisdictionEntity) private readonly jurisdictions: Repository<JurisdictionEntity>,
    @InjectRepository(CheckInEntity) private readonly checkIns: Repository<CheckInEntity>,
    @InjectRepository(ActionItemEntity) private readonly actionItems: Repository<ActionItemEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: PublicReadCache,
  ) {}

  /** The check-ins through the public read cache (key `check-ins:<plan>`). */
  listRead(planId: string): Promise<CachedRead<PublicCheckInDto[]>> {
    return this.cache.read(PUBLIC_READ_KEYS.checkIns(planId), () => this.loadList(planId));
  }

  async list(planId: string): Promise<PublicCheckInDto[]> {
    return (await this.listRead(planId)).value;
  }

  /** The iCalendar feed through the public read cache (key `check-ins.ics:<plan>`). */
  feedRead(planId: string): Promise<CachedRead<string>> {
    return this.cache.read(PUBLIC_READ_KEYS.checkInsIcs(planId), () => this.loadFeed(planId));
  }

  async feed(planId: string): Promise<string> {
    return (await this.feedRead(planId)).value;
  }

  private async loadList(planId: string): Promise<PublicCheckInDto[]> {
    const { checkIns, jurisdiction } = await this.load(planId);
    const approved = checkIns.filter((c) => c.minutesApprovedAt).map((c) => c.id);
    const open = approved.length ? await this.actionItems.find({ where: { checkInId: In(approved), status: ActionItemStatus.Open }, order: { dueAt: 'ASC', id: 'ASC' } }) : [];
    return checkIns.map((c) => {
      const published = c.minutesApprovedAt !== null;
      return {
        id: c.id,
        startsAt: c.startsAt.toISOString(),
        endsAt: endOf(c).toISOString(),
        startsAtLocal: localDateTime(c.startsAt, jurisdiction.timeZone),
        timeZone: jurisdiction.timeZone,
        durationMinutes: c.durationMinutes,
        mode: c.mode,
        address: c.address,
        onlineUrl: c.onlineUrl,
        status: c.status,
        agenda: c.agenda.map((item) => ({ title: item.title, durationMinutes: item.durationMinutes })),
        minutes: published ? c.minutes : null,
        minutesApprovedAt: published ? c.minutesApprovedAt!.toISOString() : null,
        decisions: published ? c.decisions : [],
        openActionItems: published ? open.filter((a) => a.checkInId === c.id).map((a) => ({ title: a.title, dueAt: a.dueAt.toISOString() })) : [],
      };
    });
  }

  /** The subscribable iCalendar feed (METHOD:PUBLISH) of past and upcoming check-ins; cancelled ones as STATUS:CANCELLED. */
  private async loadFeed(planId: string): Promise<string> {
    const { plan, checkIns, jurisdiction } = await this.load(planId);
    const summary = `Dialogue Board · ${plan.title} (${jurisdiction.name})`;
    const page = `${this.config.publicBaseUrl.replace(/\/$/, '')}/public/plans/${plan.id}/check-ins`;
    const events: CheckInEvent[] = checkIns.map((c) => ({
      checkInId: c.id,
      sequence: c.sequence,
      startsAt: c.startsAt,
      durationMinutes: c.durationMinutes,
      timeZone: jurisdiction.timeZone,
      summary,
      description: [...c.agenda.map((item) => `• ${item.title} (${item.durationMinutes} min)`), '', page].join('\n').trim(),
      location: c.address,
      url: c.onlineUrl,
      status: c.status === CheckInStatus.Cancelled ? 'CANCELLED' : 'CONFIRMED',
      // The feed writes no organizer (checkInFeedIcs leaves it out): nothing personal goes public.
      organizer: { name: jurisdiction.name, email: '' },
      stamp: c.createdAt,
    }));
    return checkInFeedIcs({ name: summary, timeZone: jurisdiction.timeZone, events });
  }

  private async load(planId: string): Promise<{ plan: ActionPlanEntity; jurisdiction: JurisdictionEntity; checkIns: CheckInEntity[] }> {
    const plan = await findPublishedPlan(this.plans, planId);
    const jurisdiction = await this.jurisdictions.findOneByOrFail({ id: plan.jurisdictionId });
    const checkIns = await this.checkIns.find({ where: { planId }, order: { startsAt: 'ASC', id: 'ASC' } });
    return { plan, jurisdiction, checkIns };
  }
}

function endOf(c: CheckInEntity): Date {
  return new Date(c.startsAt.getTime() + c.durationMinutes * 60_000);
}
