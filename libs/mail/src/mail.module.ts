import { Module } from '@nestjs/common';
import { MailTransport } from './mail-transport';
import { OutboxService } from './outbox.service';

/** Email: templates, the SMTP transport and the outbox that makes each send happen once. Needs PersistenceModule. */
@Module({
  providers: [MailTransport, OutboxService],
  exports: [OutboxService],
})
export class MailModule {}
