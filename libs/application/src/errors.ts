/** A write based on a version someone else has changed since (HTTP 412). */
export class StaleVersionError extends Error {
  constructor(readonly entity: string) {
    super(`The ${entity} was changed by someone else since it was read`);
    this.name = 'StaleVersionError';
  }
}

/** A status change the plan's life cycle (draft → active → closed) does not allow (HTTP 422 naming `status`). */
export class PlanTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanTransitionError';
  }
}

/** A write that breaks one of the plan's rules (HTTP 422 naming each field). */
export class RuleViolationError extends Error {
  constructor(readonly violations: { field: string; message: string }[]) {
    super(violations.map((v) => v.message).join(' '));
    this.name = 'RuleViolationError';
  }
}
