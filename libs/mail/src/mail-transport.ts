import { Transform, type TransformCallback } from 'node:stream';
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
 * The send outlived SMTP_SEND_DEADLINE_MS. The message may still be on its way (nodemailer cannot
 * abort one message), so whether it was delivered is not known: the outbox records it `unconfirmed`
 * instead of sending it again.
 */
export class SmtpDeadlineExceededError extends Error {}

/**
 * The pool: 10 connections, 100 messages each before a fresh connection. Each connection waits for
 * the outbox's commit point (a database write) once per message, so more connections than
 * nodemailer's default 5 keep the relay busy meanwhile. The outbox's batched path keeps at most
 * OUTBOX_BATCH_CONCURRENCY messages queued on it.
 */
export const SMTP_POOL = { maxConnections: 10, maxMessages: 100 } as const;

/**
 * Awaited after the whole message has been streamed and before its end reaches the SMTP connection,
 * so before the final `<CRLF>.<CRLF>` that makes the server deliver it. The outbox commits its
 * `sending` mark here: a process that dies before this point cannot have delivered the message (the
 * server drops an unfinished DATA), so the message can safely go again; only one that dies after it
 * is "delivery unknown". If it rejects, the message is not finished and the send fails.
 */
export type BeforeFinalDot = () => Promise<void>;

/**
 * Passes the message through and holds its end until `gate` has resolved. The gate starts with the
 * first bytes (the connection is reading this message), so its database write overlaps the transfer
 * instead of adding to every message's time; the end still waits for it.
 */
class FinalDotGate extends Transform {
  private opened?: Promise<void>;

  constructor(private readonly gate: BeforeFinalDot) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.open();
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.open().then(() => done(), (error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
  }

  private open(): Promise<void> {
    if (!this.opened) {
      this.opened = this.gate();
      this.opened.catch(() => undefined); // reported by _flush
    }
    return this.opened;
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
      const gate = (mail.data as { beforeFinalDot?: BeforeFinalDot }).beforeFinalDot;
      if (gate) mail.message.transform(() => new FinalDotGate(gate));
      done();
    });
  }

  /** Sends one message; `beforeFinalDot` (see BeforeFinalDot) runs once the message is with the server, before it is finished. */
  async send(email: OutgoingEmail, deadlineMs: number = SMTP_SEND_DEADLINE_MS, beforeFinalDot?: BeforeFinalDot): Promise<void> {
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
      beforeFinalDot,
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
