export * from './monitoring-policy';
export * from './milestone-status';
export * from './milestone-timeline';
export * from './ogp-vocabulary';
export * from './progress';
export * from './plan-rules';
export * from './escalation-policy';
export * from './check-ins/check-in-types';
