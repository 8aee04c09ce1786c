import { PassThrough, pipeline, type TransformCallback } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '@app/config';
import { redactAddresses } from './redact';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  messageId: string;
  /** A calendar invitation: sent as a text/calendar alternative (method=…) and an .ics attachment. */
  calendarEvent?: CalendarEventAttachment | null;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058). */
  headers?: Record<string, string> | null;
}

/** An iCalendar object sent with an email so calendar clients show it as an invitation or cancellation. */
export interface CalendarEventAttachment {
  method: 'REQUEST' | 'CANCEL';
  /** The iCalendar text (its METHOD matches `method`). */
  content: string;
  filename: string;
}

/**
 * How long the SMTP client waits, in ms. Each is a bound on one phase; nodemailer's socket timeout
 * is an inactivity timeout (it restarts with every byte), so a server that answers slowly but keeps
 * answering, or a full pool queue, is bounded only by SMTP_SEND_DEADLINE_MS below.
 */
export const SMTP_TIMEOUTS = {
  /** DNS lookup and TCP connect (nodemailer also cuts the greeting short by what is left of this). */
  connectionTimeout: 10_000,
  /** From the connection to the server's 220 greeting. */
  greetingTimeout: 10_000,
  /** Silence on an open connection (a reply to any command, the answer to the message body). */
  socketTimeout: 30_000,
} as const;

/**
 * The longest one send may take, queueing for a pooled connection included. Email activities run
 * with a 2-minute start-to-close timeout (workflows/src/milestone/milestone.workflow.ts) and heartbeat
 * while they send, so this, not the 15 s heartbeat timeout, is what limits a slow relay; it leaves
 * 30 s of those 2 minutes for the outbox's own database work and its wait for the key's lock.
 */
export const SMTP_SEND_DEADLINE_MS = 90_000;

/**
 * The server may or may not have delivered the message: its end (the final dot) went to the server
 * and no answer came back (the connection was lost), or the send outlived SMTP_SEND_DEADLINE_MS. The
 * outbox records it `unconfirmed` instead of sending it again.
 */
export class SmtpDeliveryUnknownError extends Error {}

/**
 * The send outlived SMTP_SEND_DEADLINE_MS. The message may still be on its way (nodemailer cannot
 * abort one message), so whether it was delivered is not known.
 */
export class SmtpDeadlineExceededError extends SmtpDeliveryUnknownError {}

/**
 * The pool: 10 connections, 100 messages each before a fresh connection. Each connection waits for
 * the outbox's commit point (a database write) once per message, so more connections than
 * nodemailer's default 5 keep the relay busy meanwhile. The outbox's batched path keeps at most
 * OUTBOX_BATCH_CONCURRENCY messages queued on it.
 */
export const SMTP_POOL = { maxConnections: 10, maxMessages: 100 } as const;

/**
 * Started when the connection starts reading the message (the server has accepted the envelope) and
 * awaited before the message's end reaches the connection, so before the final `<CRLF>.<CRLF>` that
 * makes the server deliver it. The outbox commits its
 * `sending` mark here: a process that dies before this point cannot have delivered the message (the
 * server drops an unfinished DATA), so the message can safely go again; only one that dies after it
 * is "delivery unknown". If it rejects, the message is not finished and the send fails.
 */
export type BeforeFinalDot = () => Promise<void>;

/**
 * The commit point of one send. The gate runs at most once, however many copies of the message
 * nodemailer builds (its pool builds another for a new connection after a 421 on a reused one). When
 * the send fails, `failed` waits for a mark still being written, so what the caller writes next (the
 * row back to `pending`) lands after it; a gate asked for after that is refused.
 */
class CommitPoint {
  private run?: Promise<void>;
  private closed = false;
  /** A copy of the message was read to its end by a connection: its final dot went to the server. */
  finished = false;

  constructor(private readonly gate: BeforeFinalDot) {}

  open(): Promise<void> {
    if (!this.run) {
      this.run = this.closed ? Promise.reject(new Error('The send has failed; the message is not finished.')) : this.gate();
      this.run.catch(() => undefined); // reported by the copy that waits for it
    }
    return this.run;
  }

  async failed(): Promise<void> {
    this.closed = true;
    await this.run?.catch(() => undefined);
  }
}

/**
 * The last stage of one copy of the message: passes it through and holds its end until the commit
 * point has passed. nodemailer builds the message at once but a connection starts reading it (pipes
 * it, which resumes it) only after the server has accepted the envelope, so the gate starts then: a
 * message refused at MAIL or RCPT (a 421) was never marked, and the mark's database write overlaps
 * the transfer of the body. The end being read (`finished`) means the final dot went to the server.
 */
class FinalDotGate extends PassThrough {
  private readonly reading: Promise<void>;

  constructor(private readonly commitPoint: CommitPoint) {
    super();
    this.reading = new Promise<void>((resolve) => this.once('resume', resolve)).then(() => {
      void commitPoint.open();
    });
    this.once('end', () => {
      commitPoint.finished = true;
    });
  }

  override _flush(done: TransformCallback): void {
    this.reading
      .then(() => this.commitPoint.open())
      .then(() => done(), (error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
  }
}

/** A pooled SMTP connection from SMTP_URL. The outbox is its only caller. */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // Bounded waits: a hung server fails the attempt (and Temporal retries it) instead of holding it for minutes.
    this.transporter = createTransport({ url: config.smtpUrl, pool: true, ...SMTP_POOL, ...SMTP_TIMEOUTS });
    this.transporter.use('stream', (mail, done) => {
      const commitPoint = (mail.data as { commitPoint?: CommitPoint }).commitPoint;
      // A process function's output is the stream the connection reads (after every transform).
      if (commitPoint) mail.message.processFunc((message) => pipeline(message, new FinalDotGate(commitPoint), () => undefined));
      done();
    });
  }

  /**
   * Sends one message; `beforeFinalDot` (see BeforeFinalDot) runs at most once, and the message is
   * not finished before it has resolved. Fails with SmtpDeliveryUnknownError when the message may
   * have been delivered; any other failure means it was not (the server refused it, or it was never finished).
   */
  async send(email: OutgoingEmail, deadlineMs: number = SMTP_SEND_DEADLINE_MS, beforeFinalDot?: BeforeFinalDot): Promise<void> {
    const commitPoint = beforeFinalDot && new CommitPoint(beforeFinalDot);
    const sending = this.transporter.sendMail({
      from: this.config.mailFrom,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html ?? undefined,
      messageId: email.messageId,
      // nodemailer adds it as a text/calendar alternative with this method, and as an attachment.
      icalEvent: email.calendarEvent ? { method: email.calendarEvent.method, filename: email.calendarEvent.filename, content: email.calendarEvent.content } : undefined,
      headers: email.headers ?? undefined,
      commitPoint,
    } as Parameters<Transporter['sendMail']>[0]);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SmtpDeadlineExceededError(`The SMTP server did not confirm the message within ${deadlineMs / 1000} s`)), deadlineMs);
    });
    try {
      await Promise.race([sending, deadline]);
    } catch (error) {
      if (error instanceof SmtpDeadlineExceededError) {
        // Nobody awaits the send any more: say how it ended, and never leave its rejection unhandled.
        sending.then(
          () => this.logger.warn({ msg: 'email confirmed by the SMTP server after the send deadline', messageId: email.messageId }),
          (late: unknown) => this.logger.warn({ msg: 'email failed after the send deadline', messageId: email.messageId, error: redactAddresses(String((late as Error)?.message ?? late)) }),
        );
      }
      await commitPoint?.failed();
      const answered = typeof (error as { responseCode?: unknown })?.responseCode === 'number';
      if (commitPoint?.finished && !answered && !(error instanceof SmtpDeliveryUnknownError)) {
        throw new SmtpDeliveryUnknownError(`${String((error as Error)?.message ?? error)} (after the message was finished)`, { cause: error });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}

/** SMTP 5xx replies mean the server will never accept this message as it is (bad address, refused). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
