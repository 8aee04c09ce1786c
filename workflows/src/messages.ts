// What the API and the worker share with the workflows: ids, inputs, messages, activity interfaces.
export * from './check-in/check-in.messages';
export * from './commitment/commitment.messages';
export * from './digest/digest.messages';
export * from './housekeeping/housekeeping.messages';
export * from './milestone/milestone.messages';
export * from './search-attributes';
