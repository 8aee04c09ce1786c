export * from './purge-unconfirmed-subscribers.command';
export * from './purge-unconfirmed-subscribers.usecase';
