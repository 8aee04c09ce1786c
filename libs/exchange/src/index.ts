export * from './milestones-csv';
export * from './decidim-results-csv';
export * from './text-encoding';
