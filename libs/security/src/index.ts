export * from './upload-link';
export * from './subscriber-token';
