export * from './csv-cells';
export * from './plan-csv';
export * from './progress-events';
export * from './decidim-results';
