import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, QueryRunner } from 'typeorm';
import { OutboxMessageEntity, OutboxStatus } from '@app/persistence';
import { CalendarEventAttachment, isPermanentSmtpFailure, MailTransport, SmtpDeliveryUnknownError } from './mail-transport';
import { redactAddresses } from './redact';
import { escapeHtml } from './templates/layout';
import type { RenderedEmail } from './templates';

export interface EmailToSend extends RenderedEmail {
  /** Deterministic key, e.g. `evidence-request:<milestone>:<cycle>`: one key, at most one email. */
  idempotencyKey: string;
  to: string;
  /** Whose coordinators see this message if it fails. */
  jurisdictionId?: string | null;
  /** A calendar invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL) sent with the email, and again with a resend. */
  calendarEvent?: CalendarEventAttachment;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post), stored with the row and sent again with a resend. */
  headers?: Record<string, string>;
}

/**
 * One message of a batch (sendBatch): its body is a digest issue (digest_issue) filled with the
 * recipient's values (`%%name%%` markers: their preferences and unsubscribe links), stored by
 * reference; the row keeps the values, so a resend sends the same text.
 */
export interface BatchEmail {
  idempotencyKey: string;
  to: string;
  subject: string;
  jurisdictionId?: string | null;
  headers?: Record<string, string>;
  template: { digestIssueId: string; values: Record<string, string> };
}

/** What sendBatch did with one message, in the order given. */
export type BatchOutcome = 'sent' | 'already_sent' | 'failed_permanently' | 'unconfirmed' | 'not_sent';

export interface BatchResult {
  /** One per email, in order. `not_sent`: left pending after a transient failure (retry the batch). */
  outcomes: BatchOutcome[];
  /** Emails whose outcome is final (not `not_sent`) as a prefix: every email before this index is settled. */
  settled: number;
  /** The transient failure that stopped the batch (relay throttling, down), when one did. */
  transientError: string | null;
  /** Permanent refusals: index → the relay's answer. */
  refusals: Map<number, string>;
}

/** How many messages of a batch are with the SMTP pool at once (it has SMTP_POOL.maxConnections connections). */
export const OUTBOX_BATCH_CONCURRENCY = 20;

/** How long a batch's results wait to be written together (a `sent` not yet written is in doubt if the worker dies). */
const RESULT_WRITE_DELAY_MS = 5;

/** Fills `%%name%%` markers of a digest issue's text or HTML with one recipient's values. */
export function fillTemplate(template: string, values: Record<string, string>, escape: (value: string) => string = (value) => value): string {
  return template.replace(/%%([A-Za-z][A-Za-z0-9_]*)%%/g, (marker, name: string) => (name in values ? escape(values[name]) : marker));
}

export type SendOutcome = 'sent' | 'already_sent' | 'failed_permanently' | 'unconfirmed';

/** Raised for failures worth retrying (server down, timeouts); the caller's retry policy applies. */
export class TransientMailError extends Error {}

/**
 * Sends each email at most once, and says so when it cannot know.
 *
 * The row is found (or created) by its idempotency key. While one caller sends a key, it holds a
 * PostgreSQL advisory lock on that key, so concurrent callers wait and then see `sent`. Before the
 * message goes to the SMTP server the row is marked `sending` (committed) just before the final dot of the message (BeforeFinalDot),
 when the whole message is with the server; an attempt that dies before that point left the row
 `pending` and the server dropped the unfinished message, so it is sent again. A caller that finds a row
 * still `sending` knows the previous attempt died mid-send (the lock was released with its
 * connection): the server may or may not have the message, so it is not sent again but marked
 * `unconfirmed` for the coordinator to check and resend. A permanent refusal is recorded as
 * `failed`, not retried. A transient failure resets the row to `pending` and throws, for a retry.
 * A send the SMTP server has not confirmed within SMTP_SEND_DEADLINE_MS may still be delivered
 * after it, so it is recorded `unconfirmed` too, at once, rather than sent twice.
 *
 * `send` may wait: for the key's lock while another caller sends it, then for the SMTP server. A
 * Temporal activity calling it heartbeats meanwhile (apps/worker/src/activities/heartbeat.ts).
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
  ) {}

  async send(email: EmailToSend): Promise<SendOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', [email.idempotencyKey]);
      try {
        return await this.sendLocked(runner, email);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [email.idempotencyKey]);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * A coordinator's decision to send a failed or unconfirmed message again (e.g. after checking with
   * the recipient). Returns null when the message is not in one of those states. `onReset` runs in the
   * transaction that puts the message back to `pending` (the caller's audit record), so the decision
   * is recorded exactly when it is taken, whatever the SMTP server does next.
   */
  async resend(id: string, onReset?: (manager: EntityManager, before: OutboxMessageEntity) => Promise<void>): Promise<SendOutcome | null> {
    const row = await this.dataSource.transaction(async (manager) => {
      const before = await manager.findOneBy(OutboxMessageEntity, { id });
      if (!before) return null;
      const reset = await manager.update(OutboxMessageEntity, { id, status: In([OutboxStatus.Failed, OutboxStatus.Unconfirmed]) }, { status: OutboxStatus.Pending });
      if (!reset.affected) return null;
      await onReset?.(manager, before);
      return before;
    });
    if (!row) return null;
    // The row exists, so send() uses it as stored (a digest's body by reference, its headers).
    return this.send({ idempotencyKey: row.idempotencyKey, to: row.toAddress, subject: row.subject, text: row.textBody, html: row.htmlBody ?? '', jurisdictionId: row.jurisdictionId, calendarEvent: row.calendarEvent ?? undefined, headers: row.headers ?? undefined });
  }

  /**
   * Sends many messages with the guarantees of `send`, at the pace of the SMTP pool: one INSERT for
   * every row (ON CONFLICT DO NOTHING: a key already known keeps its row and state), one SELECT of
   * their states, then a sliding window: rows are claimed `pending → claimed` a group at a time (one
   * UPDATE), each is marked `sending` (committed) just before its final dot (BeforeFinalDot), at most
   * `concurrency` are with the pool, and results are written in bulk (one UPDATE per outcome, each
   * write taking what arrived during the previous one). Exactly once as in `send`: a row found `sending` (an earlier attempt died after the final
   * dot was allowed) becomes `unconfirmed` and is not sent again, while a row found `claimed` (an
   * earlier attempt died before its final dot) is sent, so a killed worker loses nobody; `sent`, `failed` and `unconfirmed` rows are not sent; 5xx → `failed`; a
   * send past the deadline → `unconfirmed`. The first transient failure (4xx such as 421 throttling,
   * a relay down) stops claiming: rows in flight finish, the failed ones go back to `pending`, and the
   * result says so (`transientError`) for the caller to retry later without losing anyone.
   *
   * The caller guarantees that no other live sendBatch holds these keys (the digest holds a lock per
   * plan and month); a single `send`/`resend` of one of them is kept apart by the key's advisory lock.
   * `onSettled(n, outcomes)` is called as the settled prefix grows (for heartbeats with a cursor).
   */
  async sendBatch(emails: BatchEmail[], options: { concurrency?: number; onSettled?: (settled: number, outcomes: readonly (BatchOutcome | undefined)[]) => void } = {}): Promise<BatchResult> {
    const concurrency = Math.max(1, options.concurrency ?? OUTBOX_BATCH_CONCURRENCY);
    const outcomes: (BatchOutcome | undefined)[] = new Array(emails.length).fill(undefined);
    const refusals = new Map<number, string>();
    if (emails.length === 0) return { outcomes: [], settled: 0, transientError: null, refusals };
    const keys = emails.map((e) => e.idempotencyKey);
    await this.dataSource.query(
      `INSERT INTO outbox_message (idempotency_key, to_address, subject, text_body, html_body, status, message_id, jurisdiction_id, headers, digest_issue_id, template_values)
       SELECT k, t, s, '', NULL, 'pending', m, j, h::jsonb, d, v::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::uuid[], $8::text[]) AS x(k, t, s, m, j, h, d, v)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        keys,
        emails.map((e) => e.to),
        emails.map((e) => e.subject),
        keys.map(messageIdOf),
        emails.map((e) => e.jurisdictionId ?? null),
        emails.map((e) => (e.headers ? JSON.stringify(e.headers) : null)),
        emails.map((e) => e.template.digestIssueId),
        emails.map((e) => JSON.stringify(e.template.values)),
      ],
    );
    const rows: BatchRow[] = await this.dataSource.query(
      `SELECT id, idempotency_key AS key, status, to_address AS "to", subject, message_id AS "messageId", headers, digest_issue_id AS "digestIssueId", template_values AS "values"
       FROM outbox_message WHERE idempotency_key = ANY($1::text[])`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const index = new Map(keys.map((key, i) => [key, i]));

    // Rows an earlier, dead attempt left with the relay: delivery unknown, never sent again.
    const orphans = rows.filter((row) => row.status === OutboxStatus.Sending).map((row) => row.id);
    if (orphans.length) {
      await this.dataSource.query(
        `UPDATE outbox_message SET status = 'unconfirmed', last_error = 'An earlier attempt stopped while sending; the message may or may not have been delivered.'
         WHERE id = ANY($1::uuid[]) AND status = 'sending'`,
        [orphans],
      );
      this.logger.warn({ msg: 'emails unconfirmed: an earlier batch died mid-send; not sent again', count: orphans.length });
    }
    const pending: number[] = [];
    keys.forEach((key, i) => {
      const row = byKey.get(key);
      switch (row?.status) {
        case OutboxStatus.Sent:
          outcomes[i] = 'already_sent';
          break;
        case OutboxStatus.Failed:
          outcomes[i] = 'failed_permanently';
          break;
        case OutboxStatus.Unconfirmed:
        case OutboxStatus.Sending:
          outcomes[i] = 'unconfirmed';
          break;
        default: // pending, or claimed by a batch that died before handing it over
          pending.push(i);
      }
    });

    let settled = 0;
    const advance = () => {
      const before = settled;
      while (settled < outcomes.length && outcomes[settled] !== undefined && outcomes[settled] !== 'not_sent') settled++;
      if (settled !== before) options.onSettled?.(settled, outcomes);
    };
    advance();

    const bodies = new Map<string, Promise<{ text: string; html: string | null }>>();
    const issueBody = (id: string) => {
      let body = bodies.get(id);
      if (!body) {
        body = this.dataSource.query(`SELECT text, html FROM digest_issue WHERE id = $1`, [id]).then((found: { text: string; html: string }[]) => {
          if (!found[0]) throw new Error(`digest issue ${id} is missing`);
          return found[0];
        });
        bodies.set(id, body);
      }
      return body;
    };

    let transientError: string | null = null;
    const group = concurrency;
    let next = 0;
    let inFlight = 0;
    const results: { sent: string[]; failed: [string, string][]; unconfirmed: [string, string][]; pending: [string, string][] } = { sent: [], failed: [], unconfirmed: [], pending: [] };
    const flush = async () => {
      const { sent, failed, unconfirmed, pending: back } = results;
      results.sent = [];
      results.failed = [];
      results.unconfirmed = [];
      results.pending = [];
      const writes: Promise<unknown>[] = [];
      if (sent.length) writes.push(this.dataSource.query(`UPDATE outbox_message SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY($1::uuid[])`, [sent]));
      for (const [status, list] of [['failed', failed], ['unconfirmed', unconfirmed], ['pending', back]] as const) {
        if (list.length)
          writes.push(
            this.dataSource.query(`UPDATE outbox_message o SET status = $3, last_error = x.e FROM unnest($1::uuid[], $2::text[]) AS x(id, e) WHERE o.id = x.id`, [list.map((r) => r[0]), list.map((r) => r[1]), status]),
          );
      }
      await Promise.all(writes);
    };

    const sendOne = async (i: number, row: BatchRow): Promise<void> => {
      try {
        const body = await issueBody(row.digestIssueId);
        const values = row.values ?? {};
        await this.transport.send(
          { to: row.to, subject: row.subject, text: fillTemplate(body.text, values), html: body.html === null ? null : fillTemplate(body.html, values, escapeHtml), messageId: row.messageId, headers: row.headers },
          undefined,
          // Committed before the final dot: from here on a dead attempt means "delivery unknown".
          () => this.markSending(row.id),
        );
        results.sent.push(row.id);
        outcomes[i] = 'sent';
      } catch (error) {
        const { outcome, lastError } = failureOf(error);
        if (outcome === 'unconfirmed') {
          results.unconfirmed.push([row.id, lastError]);
          outcomes[i] = 'unconfirmed';
        } else if (outcome === 'failed') {
          results.failed.push([row.id, lastError]);
          refusals.set(i, lastError);
          outcomes[i] = 'failed_permanently';
        } else {
          results.pending.push([row.id, lastError]);
          outcomes[i] = 'not_sent';
          transientError ??= lastError;
        }
      }
    };

    // The sliding window: a group is claimed ahead while the previous one is with the pool (`ready`),
    // at most `concurrency` messages are with the pool, and results are written in bulk.
    await new Promise<void>((resolve, reject) => {
      const ready: number[] = [];
      let claiming = false;
      let flushing: Promise<void> = Promise.resolve();
      let finished = false;
      const fail = (error: unknown) => {
        if (!finished) {
          finished = true;
          reject(error);
        }
      };
      const settle = () => {
        flushing = flushing.then(flush).then(advance);
        return flushing;
      };
      // Results are written within RESULT_WRITE_DELAY_MS (at once when `group` are waiting), after the
      // previous write: one UPDATE for what arrived meanwhile. A `sent` not yet written is "delivery
      // unknown" if the process dies, so the wait is short.
      let writeQueued = false;
      let writeTimer: NodeJS.Timeout | undefined;
      const writeNow = () => {
        clearTimeout(writeTimer);
        writeTimer = undefined;
        flushing = flushing.then(() => {
          writeQueued = false;
          return flush();
        }).then(advance);
        flushing.catch(fail);
      };
      const settleSoon = () => {
        const waiting = results.sent.length + results.failed.length + results.unconfirmed.length + results.pending.length;
        if (writeTimer && waiting >= group) return writeNow();
        if (writeQueued) return;
        writeQueued = true;
        writeTimer = setTimeout(writeNow, RESULT_WRITE_DELAY_MS);
      };
      const checkDone = () => {
        if (finished || claiming || inFlight > 0) return;
        if (transientError !== null) {
          // Claimed but never handed over: back to pending for the retry.
          for (const i of ready.splice(0)) {
            results.pending.push([byKey.get(keys[i])!.id, `not sent: the batch stopped (${transientError})`]);
            outcomes[i] = 'not_sent';
          }
        } else if (ready.length > 0 || next < pending.length) return;
        finished = true;
        clearTimeout(writeTimer); // the last write below takes whatever is waiting
        settle().then(() => resolve(), reject);
      };
      const dispatch = () => {
        while (transientError === null && inFlight < concurrency && ready.length > 0) {
          const i = ready.shift()!;
          inFlight++;
          sendOne(i, byKey.get(keys[i])!).then(() => {
            inFlight--;
            settleSoon();
            dispatch();
            refill();
            checkDone();
          }, fail);
        }
      };
      const refill = () => {
        if (finished || claiming || transientError !== null || ready.length >= group || next >= pending.length) return;
        const chosen = pending.slice(next, next + group);
        next += chosen.length;
        claiming = true;
        const ids = chosen.map((i) => byKey.get(keys[i])!.id);
        this.dataSource
          .query(
            `UPDATE outbox_message SET status = 'claimed', attempts = attempts + 1
             WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'claimed') AND pg_try_advisory_xact_lock(hashtext(idempotency_key)) RETURNING id`,
            [ids],
          )
          .then((claimed: { id: string }[] | [{ id: string }[], number]) => {
            claiming = false;
            const got = new Set((Array.isArray(claimed[0]) ? (claimed[0] as { id: string }[]) : (claimed as { id: string }[])).map((r) => r.id));
            for (const i of chosen) {
              // Taken meanwhile by a single send (a coordinator's resend holds its key): not ours to send.
              if (got.has(byKey.get(keys[i])!.id)) ready.push(i);
              else outcomes[i] = 'unconfirmed';
            }
            dispatch();
            refill();
            checkDone();
          }, fail);
      };
      refill();
      checkDone();
    });
    advance();
    return { outcomes: outcomes.map((o) => o ?? 'not_sent'), settled, transientError, refusals };
  }

  /**
   * The commit point of a send (BeforeFinalDot). Refused when the row is no longer this attempt's to
   * finish (recorded `unconfirmed` after the send deadline meanwhile): the message is then left unfinished.
   */
  private async markSending(id: string, on: { query(sql: string, parameters: unknown[]): Promise<unknown[]> } = this.dataSource): Promise<void> {
    const result: unknown[] = await on.query(`UPDATE outbox_message SET status = 'sending' WHERE id = $1 AND status IN ('pending', 'claimed') RETURNING id`, [id]);
    const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
    if (rows.length === 0) throw new Error("The message is no longer this attempt's to send; it was left unfinished.");
  }

  private async templatedBody(manager: EntityManager, digestIssueId: string, values: Record<string, string>): Promise<{ text: string; html: string | null }> {
    const found: { text: string; html: string }[] = await manager.query(`SELECT text, html FROM digest_issue WHERE id = $1`, [digestIssueId]);
    if (!found[0]) throw new Error(`digest issue ${digestIssueId} is missing`);
    return { text: fillTemplate(found[0].text, values), html: fillTemplate(found[0].html, values, escapeHtml) };
  }

  private async sendLocked(runner: QueryRunner, email: EmailToSend): Promise<SendOutcome> {
    const repo = runner.manager.getRepository(OutboxMessageEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        idempotencyKey: email.idempotencyKey,
        toAddress: email.to,
        subject: email.subject,
        textBody: email.text,
        htmlBody: email.html,
        status: OutboxStatus.Pending,
        messageId: messageIdOf(email.idempotencyKey),
        jurisdictionId: email.jurisdictionId ?? null,
        calendarEvent: email.calendarEvent ?? null,
        headers: email.headers ?? null,
      })
      .orIgnore()
      .execute();
    const row = await repo.findOneByOrFail({ idempotencyKey: email.idempotencyKey });
    switch (row.status) {
      case OutboxStatus.Sent:
        return 'already_sent';
      case OutboxStatus.Failed:
        return 'failed_permanently';
      case OutboxStatus.Unconfirmed:
        return 'unconfirmed';
      case OutboxStatus.Sending:
        await repo.update({ id: row.id }, { status: OutboxStatus.Unconfirmed, lastError: 'An earlier attempt stopped while sending; the message may or may not have been delivered.' });
        this.logger.warn({ msg: 'email unconfirmed: an earlier attempt died mid-send; not sent again', idempotencyKey: row.idempotencyKey });
        return 'unconfirmed';
    }

    const body = row.digestIssueId ? await this.templatedBody(runner.manager, row.digestIssueId, row.templateValues ?? {}) : { text: row.textBody, html: row.htmlBody };
    await repo.update({ id: row.id }, { attempts: row.attempts + 1 });
    try {
      // `sending` is committed just before the final dot (BeforeFinalDot): an attempt that dies
      // before it leaves the row `pending`, and the next attempt sends it, since the server dropped it.
      await this.transport.send(
        { to: row.toAddress, subject: row.subject, text: body.text, html: body.html, messageId: row.messageId, calendarEvent: row.calendarEvent, headers: row.headers },
        undefined,
        // On this caller's own connection: it holds the key's lock, and taking a second one from the
        // pool per send would deadlock once every pooled connection is such a caller.
        () => this.markSending(row.id, runner),
      );
    } catch (error) {
      const { outcome, lastError } = failureOf(error);
      if (outcome === 'unconfirmed') {
        await repo.update({ id: row.id }, { status: OutboxStatus.Unconfirmed, lastError });
        this.logger.warn({ msg: 'email unconfirmed: the SMTP server did not confirm it; not sent again', idempotencyKey: row.idempotencyKey });
        return 'unconfirmed';
      }
      if (outcome === 'failed') {
        await repo.update({ id: row.id }, { status: OutboxStatus.Failed, lastError });
        this.logger.warn({ msg: 'email refused permanently', idempotencyKey: row.idempotencyKey, error: lastError });
        return 'failed_permanently';
      }
      await repo.update({ id: row.id }, { status: OutboxStatus.Pending, lastError });
      throw new TransientMailError(`sending ${row.idempotencyKey} failed: ${lastError}`);
    }
    await repo.update({ id: row.id }, { status: OutboxStatus.Sent, sentAt: new Date(), lastError: null });
    this.logger.log({ msg: 'email sent', idempotencyKey: row.idempotencyKey });
    return 'sent';
  }
}

/**
 * What a failed send means for its row. The transport says when the message may have been delivered
 * (its end went to the server and no answer came, or the send deadline passed): `unconfirmed`.
 * Otherwise the server's answer decides: 5xx is a refusal (`failed`), anything else (4xx "not now",
 * a connection lost before the message was finished) means it was not delivered (`retry`).
 */
function failureOf(error: unknown): { outcome: 'unconfirmed' | 'failed' | 'retry'; lastError: string } {
  const lastError = redactAddresses(String((error as Error)?.message ?? error)).slice(0, 2000);
  if (error instanceof SmtpDeliveryUnknownError) return { outcome: 'unconfirmed', lastError: `${lastError}; the message may or may not have been delivered.` };
  if (isPermanentSmtpFailure(error)) return { outcome: 'failed', lastError };
  return { outcome: 'retry', lastError };
}

interface BatchRow {
  id: string;
  key: string;
  status: OutboxStatus;
  to: string;
  subject: string;
  messageId: string;
  headers: Record<string, string> | null;
  digestIssueId: string;
  values: Record<string, string> | null;
}

/** The RFC 5322 Message-ID of a key's message: derived from the key, the same on every attempt. */
function messageIdOf(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@ogp-monitor>`;
}
