export * from './mail-transport';
export * from './outbox.service';
export * from './mail.module';
export * from './templates';
