import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '@app/config';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  messageId: string;
}

/** A pooled SMTP connection from SMTP_URL. The outbox is its only caller. */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // Bounded waits: a hung server fails the attempt (and Temporal retries it) instead of holding it for minutes.
    this.transporter = createTransport({ url: config.smtpUrl, pool: true, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transporter.sendMail({
      from: this.config.mailFrom,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html ?? undefined,
      messageId: email.messageId,
    });
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
