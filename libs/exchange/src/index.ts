export * from './milestones-csv';
export * from './decidim-results-csv';
