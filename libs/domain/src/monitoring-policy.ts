/**
 * How a plan's milestones are followed up. Every duration a workflow waits comes from here, so a
 * demo can run on minutes and a test on seconds with the same workflow code.
 */
export interface MonitoringPolicy {
  /** How long before the due date the responsible agency is asked for evidence. */
  evidenceRequestLeadSeconds: number;
  /** Time between reminders while a request is open. */
  reminderIntervalSeconds: number;
  /** Reminders sent per request cycle at most. */
  maxReminders: number;
  /** How long an overdue milestone waits before it is escalated to the IMB. */
  escalationGraceSeconds: number;
  /** How long a first-level escalation stays open before it goes to the second level. */
  secondLevelEscalationSeconds: number;
  /** How long an upload link stays valid after the due date. */
  uploadLinkValidityAfterDueSeconds: number;
  /** Deadline of a new request cycle after the committee returned the evidence. */
  resubmissionSeconds: number;
}

const DAY = 24 * 60 * 60;

/** Defaults for a real plan: weeks, as coordinators work. */
export const DEFAULT_MONITORING_POLICY: Readonly<MonitoringPolicy> = Object.freeze({
  evidenceRequestLeadSeconds: 14 * DAY,
  reminderIntervalSeconds: 7 * DAY,
  maxReminders: 3,
  escalationGraceSeconds: 7 * DAY,
  secondLevelEscalationSeconds: 30 * DAY,
  uploadLinkValidityAfterDueSeconds: 60 * DAY,
  resubmissionSeconds: 14 * DAY,
});

const POLICY_FIELDS = Object.keys(DEFAULT_MONITORING_POLICY) as (keyof MonitoringPolicy)[];

export class InvalidPolicyError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidPolicyError';
  }
}

/** Fills the fields a plan leaves unset with the defaults and checks every value. */
export function resolvePolicy(overrides: Partial<MonitoringPolicy> = {}): MonitoringPolicy {
  // Fields present but undefined (as a parsed request object carries them) keep their defaults.
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const policy = { ...DEFAULT_MONITORING_POLICY, ...given };
  for (const field of POLICY_FIELDS) {
    const value = policy[field];
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidPolicyError(`policy.${field}`, `policy.${field} must be a whole number of 0 or more`);
    }
  }
  if (policy.reminderIntervalSeconds === 0 && policy.maxReminders > 0) {
    throw new InvalidPolicyError('policy.reminderIntervalSeconds', 'policy.reminderIntervalSeconds must be above 0 when reminders are sent');
  }
  return policy;
}

/**
 * The policy one commitment's milestones follow: the plan's policy with the commitment's overrides
 * laid over it field by field (a field the commitment leaves unset, undefined or null keeps the
 * plan's value), the rest filled with the defaults, every value checked.
 */
export function effectivePolicy(
  planPolicy: Partial<MonitoringPolicy> | null | undefined,
  commitmentOverrides?: Partial<MonitoringPolicy> | null,
): MonitoringPolicy {
  return resolvePolicy({ ...definedFields(planPolicy), ...definedFields(commitmentOverrides) });
}

function definedFields(policy: Partial<MonitoringPolicy> | null | undefined): Partial<MonitoringPolicy> {
  return Object.fromEntries(Object.entries(policy ?? {}).filter(([, value]) => value !== undefined && value !== null)) as Partial<MonitoringPolicy>;
}
