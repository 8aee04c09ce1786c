export * from './upload-link';
