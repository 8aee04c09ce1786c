export * from './mail-transport';
export * from './outbox.service';
export * from './mail.module';
export * from './redact';
export * from './templates';
export * from './calendar/check-in-calendar';
export { t, MESSAGE_CATALOGS } from './i18n';
export type { MessageKey } from './i18n';
export type { MessageCatalog } from './i18n/en';
