import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { afterHardBounce, composeDigest, CompletionLevel, type DigestContent, type Language, followsAnyOf, isDigestRecipient, MilestoneStatus, monthOf, PlanStatus, previousMonth, SUPPORTED_LANGUAGES, type PlanStateForDigest, type SubscriberStatus } from '@app/domain';
import { BatchEmail, OutboxService, renderDigestEmail } from '@app/mail';
import { subscriberLinks } from '@app/security';
import { ActionPlanEntity, DigestSendStatus, JurisdictionEntity } from '@app/persistence';
import {
  digestEmailKey,
  type DigestActivities as DigestActivitiesContract,
  type DigestBatchInput,
  type DigestBatchResult,
  type DigestCounts,
  type DigestSendState,
  type PreparedDigest,
} from '@app/workflows';
import { ACTIVITY_HEARTBEAT_INTERVAL_MS } from './heartbeat';
import { DIGEST_LINK_MARKERS } from './digest.mail';

const ZERO: DigestCounts = { sent: 0, skipped: 0, failed: 0 };

/** What a batch's heartbeat carries: the settled prefix (its last subscriber id, how many read) and its counts. */
interface BatchCheckpoint {
  after: string | null;
  read: number;
  counts: DigestCounts;
}

interface SubscriberRow {
  id: string;
  email: string;
  language: string;
  commitmentIds: string[];
  status: SubscriberStatus;
}

/**
 * I/O of the digest workflows: the month a run reports, the issue composed and archived once per
 * language, and the batched fan-out through the outbox (digest:<plan>:<month>:<subscriber>).
 */
@Injectable()
export class DigestActivities implements DigestActivitiesContract {
  private readonly logger = new Logger(DigestActivities.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async digestMonthOf(input: { planId: string; scheduledAt: string }): Promise<{ month: string } | null> {
    const zone = await this.zoneOf(input.planId);
    if (!zone) return null;
    return { month: previousMonth(monthOf(new Date(input.scheduledAt), zone.timeZone)) };
  }

  async prepareDigest(input: { planId: string; month: string }): Promise<PreparedDigest> {
    const { planId, month } = input;
    const plan = await this.db.getRepository(ActionPlanEntity).findOneBy({ id: planId });
    if (!plan || plan.status !== PlanStatus.Active) return { send: false, languages: [], total: 0, status: 'completed', cursor: null, counts: ZERO };
    const jurisdiction = await this.db.getRepository(JurisdictionEntity).findOneByOrFail({ id: plan.jurisdictionId });
    const used: { language: string }[] = await this.db.query(`SELECT DISTINCT language FROM subscriber WHERE plan_id = $1 AND status = 'confirmed'`, [planId]);
    const languages = [...new Set([jurisdiction.defaultLanguage, ...used.map((u) => u.language)])].filter((l) => (SUPPORTED_LANGUAGES as readonly string[]).includes(l)).sort();

    // Composed once: a language added later (a new subscriber's) gets the same content as the others.
    const archived: { language: string; content: DigestContent }[] = await this.db.query(`SELECT language, content FROM digest_issue WHERE plan_id = $1 AND month = $2`, [planId, month]);
    const missing = languages.filter((l) => !archived.some((a) => a.language === l));
    if (missing.length) {
      const content = archived[0]?.content ?? composeDigest(await this.planStateOf(planId, plan.title, jurisdiction.name), { month, timeZone: jurisdiction.timeZone, now: new Date() });
      for (const language of missing) {
        // Each recipient's own links are markers here; the outbox fills them per message.
        const rendered = renderDigestEmail(language as Language, content, {
          planTitle: plan.title,
          jurisdictionName: jurisdiction.name,
          timeZone: jurisdiction.timeZone,
          unsubscribeUrl: DIGEST_LINK_MARKERS.unsubscribeUrl,
          preferencesUrl: DIGEST_LINK_MARKERS.preferencesUrl,
          archiveUrl: `${this.config.publicBaseUrl}/public/plans/${planId}`,
        });
        await this.db.query(
          `INSERT INTO digest_issue (plan_id, month, language, subject, html, text, content) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT ON CONSTRAINT digest_issue_unique DO NOTHING`,
          [planId, month, language, rendered.subject, rendered.html, rendered.text, JSON.stringify(content)],
        );
      }
    }
    // The audience is fixed when the send starts: who is confirmed then (one statement, one `now()`).
    // Someone confirming during the send gets next month's digest (and finds this one in the archive).
    await this.db.query(
      `INSERT INTO digest_send (plan_id, month, status, total, started_at)
       SELECT $1, $2, $3, count(*)::int, now() FROM subscriber WHERE plan_id = $1 AND status = 'confirmed' AND confirmed_at <= now()
       ON CONFLICT ON CONSTRAINT digest_send_unique DO NOTHING`,
      [planId, month, DigestSendStatus.Running],
    );
    const [send]: { status: DigestSendState; total: number; sent: number; skipped: number; failed: number; cursor: string | null }[] = await this.db.query(
      `SELECT status, total, sent, skipped, failed, cursor FROM digest_send WHERE plan_id = $1 AND month = $2`,
      [planId, month],
    );
    return { send: true, languages, total: send.total, status: send.status, cursor: send.cursor, counts: { sent: send.sent, skipped: send.skipped, failed: send.failed } };
  }

  async sendDigestBatch(input: DigestBatchInput): Promise<DigestBatchResult> {
    const { planId, month } = input;
    const context = Context.current();
    // A retried attempt resumes from its predecessor's last heartbeat: what it settled is not read again.
    const resumed = (context.info.attempt > 1 ? (context.info.heartbeatDetails as BatchCheckpoint | undefined) : undefined) ?? { after: input.after, read: 0, counts: ZERO };
    let checkpoint: BatchCheckpoint = resumed;
    const beat = () => context.heartbeat(checkpoint);
    beat();
    const timer = setInterval(beat, ACTIVITY_HEARTBEAT_INTERVAL_MS);
    // One live batch per plan and month: a retry waits here while a stalled predecessor still sends.
    const lock = this.db.createQueryRunner();
    await lock.connect();
    try {
      await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [`digest-send:${planId}:${month}`]);
      try {
        return await this.sendLocked(input, resumed, (next) => {
          checkpoint = next;
          beat();
        });
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`digest-send:${planId}:${month}`]);
      }
    } finally {
      clearInterval(timer);
      await lock.release();
    }
  }

  private async sendLocked(input: DigestBatchInput, resumed: BatchCheckpoint, checkpoint: (c: BatchCheckpoint) => void): Promise<DigestBatchResult> {
    const { planId, month } = input;
    const remaining = Math.max(0, input.limit - resumed.read);
    const [send]: { startedAt: Date; jurisdictionId: string; defaultLanguage: string }[] = await this.db.query(
      `SELECT s.started_at AS "startedAt", p.jurisdiction_id AS "jurisdictionId", j.default_language AS "defaultLanguage"
       FROM digest_send s JOIN action_plan p ON p.id = s.plan_id JOIN jurisdiction j ON j.id = p.jurisdiction_id WHERE s.plan_id = $1 AND s.month = $2`,
      [planId, month],
    );
    if (!send) throw ApplicationFailure.nonRetryable(`No digest send for plan ${planId} and ${month}: prepareDigest first`);
    // The audience of the send: confirmed when it started. Those who left since (unsubscribed, bounced) are read and skipped.
    const rows: SubscriberRow[] = await this.db.query(
      `SELECT id, email, language, commitment_ids AS "commitmentIds", status FROM subscriber
       WHERE plan_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) AND confirmed_at <= $3
         AND (status = 'confirmed' OR (status IN ('unsubscribed', 'bounced') AND greatest(unsubscribed_at, last_bounce_at) >= $3))
       ORDER BY id LIMIT $4`,
      [planId, resumed.after, send.startedAt, remaining + 1],
    );
    const done = rows.length <= remaining;
    const subscribers = rows.slice(0, remaining);
    const issues: { id: string; language: string; subject: string }[] = await this.db.query(`SELECT id, language, subject FROM digest_issue WHERE plan_id = $1 AND month = $2`, [planId, month]);
    const issueOf = (language: string) => issues.find((i) => i.language === language) ?? issues.find((i) => i.language === send.defaultLanguage) ?? issues[0];
    const covered: { id: string }[] = await this.db.query(`SELECT id FROM commitment WHERE plan_id = $1 AND status <> 'cancelled'`, [planId]);
    const coveredIds = covered.map((c) => c.id);
    const secret = (this.config as AppConfig & { subscribers?: { linkSecret: string } }).subscribers?.linkSecret ?? this.config.uploadLinkSecret;

    // Per subscriber: 'skipped' now, or the index of its email in the batch.
    const plan: (number | 'skipped')[] = [];
    const emails: BatchEmail[] = [];
    for (const s of subscribers) {
      const issue = issueOf(s.language);
      if (!isDigestRecipient(s) || !followsAnyOf(s, coveredIds) || !issue) {
        plan.push('skipped');
        continue;
      }
      const links = subscriberLinks(this.config.publicBaseUrl, s.id, secret, null);
      plan.push(emails.length);
      emails.push({
        idempotencyKey: digestEmailKey(planId, month, s.id),
        to: s.email,
        subject: issue.subject,
        jurisdictionId: send.jurisdictionId,
        headers: { 'List-Unsubscribe': `<${links.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        template: { digestIssueId: issue.id, values: { preferencesUrl: links.preferencesUrl, unsubscribeUrl: links.unsubscribeUrl } },
      });
    }

    // The counts of the first `n` subscribers, given the outcomes of the emails settled so far.
    let outcomes: readonly (string | undefined)[] = [];
    const countsOf = (n: number): DigestCounts => {
      const counts = { ...resumed.counts };
      for (let k = 0; k < n; k++) {
        const p = plan[k];
        const outcome = p === 'skipped' ? 'skipped' : outcomes[p];
        if (outcome === 'skipped') counts.skipped++;
        else if (outcome === 'sent' || outcome === 'already_sent') counts.sent++;
        else counts.failed++;
      }
      return counts;
    };
    /** Subscribers settled when the first `settledEmails` emails are: up to the next unsettled email's subscriber. */
    const settledSubscribers = (settledEmails: number) => {
      let k = 0;
      while (k < plan.length && (plan[k] === 'skipped' || (plan[k] as number) < settledEmails)) k++;
      return k;
    };
    const report = (settledEmails: number) => {
      const k = settledSubscribers(settledEmails);
      checkpoint({ after: k > 0 ? subscribers[k - 1].id : resumed.after, read: resumed.read + k, counts: countsOf(k) });
    };

    const result = await this.outbox.sendBatch(emails, {
      onSettled: (settled, soFar) => {
        outcomes = soFar as (string | undefined)[];
        report(settled);
      },
    });
    outcomes = result.outcomes;

    // Hard bounces: the counter goes up, and at the threshold the address gets nothing more.
    for (const [index, answer] of result.refusals) {
      const subscriberId = subscribers[plan.indexOf(index)].id;
      await this.db.transaction(async (manager) => {
        const [row]: { status: SubscriberStatus; bounceCount: number }[] = await manager.query(`SELECT status, bounce_count AS "bounceCount" FROM subscriber WHERE id = $1 FOR UPDATE`, [subscriberId]);
        if (!row) return;
        const next = afterHardBounce(row, new Date());
        await manager.query(`UPDATE subscriber SET status = $2, bounce_count = $3, last_bounce_at = $4 WHERE id = $1`, [subscriberId, next.status, next.bounceCount, next.lastBounceAt]);
      });
      this.logger.warn({ msg: 'digest refused permanently (hard bounce)', subscriberId, answer: answer.slice(0, 200) });
    }

    const k = settledSubscribers(result.settled);
    const counts = countsOf(k);
    const cursor = k > 0 ? subscribers[k - 1].id : resumed.after;
    checkpoint({ after: cursor, read: resumed.read + k, counts });
    if (result.transientError !== null) {
      // Nobody lost: the unsent rows are pending again; the retry (with backoff) resumes from the heartbeat.
      throw ApplicationFailure.retryable(`The relay refused for now: ${result.transientError}`, 'DigestRelayTransient');
    }
    const total = { sent: input.countsBefore.sent + counts.sent, skipped: input.countsBefore.skipped + counts.skipped, failed: input.countsBefore.failed + counts.failed };
    await this.db.query(`UPDATE digest_send SET sent = $3, skipped = $4, failed = $5, cursor = $6 WHERE plan_id = $1 AND month = $2 AND status IN ('running', 'paused')`, [
      planId,
      month,
      total.sent,
      total.skipped,
      total.failed,
      cursor,
    ]);
    return { ...counts, cursor, read: resumed.read + k, done };
  }

  async recordDigestSend(input: { planId: string; month: string; status: DigestSendState; counts: DigestCounts; cursor: string | null }): Promise<void> {
    const final = input.status === 'completed' || input.status === 'cancelled';
    await this.db.query(
      `UPDATE digest_send SET status = $3, sent = $4, skipped = $5, failed = $6, cursor = $7, finished_at = CASE WHEN $8 THEN coalesce(finished_at, now()) ELSE NULL END
       WHERE plan_id = $1 AND month = $2`,
      [input.planId, input.month, input.status, input.counts.sent, input.counts.skipped, input.counts.failed, input.cursor, final],
    );
  }

  private async zoneOf(planId: string): Promise<{ timeZone: string } | null> {
    const [row]: { timeZone: string }[] = await this.db.query(`SELECT j.time_zone AS "timeZone" FROM action_plan p JOIN jurisdiction j ON j.id = p.jurisdiction_id WHERE p.id = $1`, [planId]);
    return row ?? null;
  }

  /** The plan's state a digest is composed from (public facts only). */
  private async planStateOf(planId: string, planTitle: string, jurisdictionName: string): Promise<PlanStateForDigest> {
    const q = <T>(sql: string, params: unknown[]): Promise<T[]> => this.db.query(sql, params);
    const commitments = await q<{ id: string; title: string; status: string }>(`SELECT id, title, status FROM commitment WHERE plan_id = $1 ORDER BY created_at, id`, [planId]);
    const milestones = await q<{ id: string; commitmentId: string; title: string; status: string; dueAt: Date; weight: string | null; verifiable: boolean; completion: string | null; completedAt: Date | null; links: string[] | null }>(
      `SELECT m.id, m.commitment_id AS "commitmentId", m.title, m.status, m.due_at AS "dueAt", m.weight, m.verifiable, m.completion,
              r.reviewed_at AS "completedAt", e.links
       FROM milestone m JOIN commitment c ON c.id = m.commitment_id
       LEFT JOIN LATERAL (SELECT evidence_id, reviewed_at FROM evidence_review WHERE milestone_id = m.id AND decision = 'accepted' ORDER BY reviewed_at DESC LIMIT 1) r ON m.status = 'completed'
       LEFT JOIN evidence e ON e.id = r.evidence_id AND e.is_public
       WHERE c.plan_id = $1 ORDER BY m.due_at, m.id`,
      [planId],
    );
    const replannings = await q<{ id: string; milestoneId: string; previousDueAt: Date; newDueAt: Date; reason: string; changedAt: Date }>(
      `SELECT r.id, r.milestone_id AS "milestoneId", r.previous_due_at AS "previousDueAt", r.new_due_at AS "newDueAt", r.reason, r.changed_at AS "changedAt"
       FROM milestone_replanning r JOIN milestone m ON m.id = r.milestone_id JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = $1`,
      [planId],
    );
    const escalations = await q<{ id: string; milestoneId: string; level: number; status: 'open' | 'acknowledged' | 'resolved'; raisedAt: Date; resolvedAt: Date | null; recommendation: string | null }>(
      `SELECT x.id, x.milestone_id AS "milestoneId", x.level, x.status, x.raised_at AS "raisedAt", x.resolved_at AS "resolvedAt", x.recommendation
       FROM escalation x JOIN milestone m ON m.id = x.milestone_id JOIN commitment c ON c.id = m.commitment_id WHERE c.plan_id = $1`,
      [planId],
    );
    const checkIns = await q<{ id: string; startsAt: Date; status: string; decisions: string[]; minutesApprovedAt: Date | null }>(
      `SELECT id, starts_at AS "startsAt", status, decisions, minutes_approved_at AS "minutesApprovedAt" FROM check_in WHERE plan_id = $1`,
      [planId],
    );
    const [next] = await q<{ startsAt: Date }>(`SELECT starts_at AS "startsAt" FROM check_in WHERE plan_id = $1 AND status IN ('scheduled', 'invited') AND starts_at > now() ORDER BY starts_at LIMIT 1`, [planId]);
    const milestonesOf = (commitmentId: string) => milestones.filter((m) => m.commitmentId === commitmentId);
    return {
      planId,
      planTitle,
      jurisdictionName,
      commitments: commitments.map((c) => {
        const own = milestonesOf(c.id);
        const ids = new Set(own.map((m) => m.id));
        return {
          id: c.id,
          title: c.title,
          cancelled: c.status === 'cancelled',
          milestones: own.map((m) => ({
            id: m.id,
            title: m.title,
            status: m.status as MilestoneStatus,
            dueAt: m.dueAt,
            weight: m.weight === null ? null : Number(m.weight),
            verifiable: m.verifiable,
            cancelled: m.status === MilestoneStatus.Cancelled,
            completion: (m.completion as CompletionLevel | null) ?? null,
            completedAt: m.status === MilestoneStatus.Completed ? m.completedAt : null,
            evidenceLinks: m.links ?? [],
          })),
          replannings: replannings.filter((r) => ids.has(r.milestoneId)),
          escalations: escalations.filter((x) => ids.has(x.milestoneId)),
        };
      }),
      checkIns,
      nextCheckInAt: next?.startsAt ?? null,
    };
  }
}
