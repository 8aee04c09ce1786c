import { DEFAULT_MONITORING_POLICY, effectivePolicy, InvalidPolicyError, MonitoringPolicy, resolvePolicy } from './monitoring-policy';

describe('resolvePolicy', () => {
  it('fills unset fields with the defaults of a real plan (weeks)', () => {
    const policy = resolvePolicy({ maxReminders: 5 });
    expect(policy).toEqual({ ...DEFAULT_MONITORING_POLICY, maxReminders: 5 });
    expect(policy.evidenceRequestLeadSeconds).toBe(14 * 24 * 3600);
    expect(policy.reminderIntervalSeconds).toBe(7 * 24 * 3600);
  });

  it('accepts second-scale policies, as tests and the demo use', () => {
    expect(resolvePolicy({ evidenceRequestLeadSeconds: 3, reminderIntervalSeconds: 2 }).reminderIntervalSeconds).toBe(2);
  });

  it.each([
    ['evidenceRequestLeadSeconds', -1],
    ['maxReminders', 1.5],
    ['escalationGraceSeconds', Number.NaN],
  ])('refuses %s = %p and names the field', (field, value) => {
    expect(() => resolvePolicy({ [field]: value })).toThrow(InvalidPolicyError);
    try {
      resolvePolicy({ [field]: value });
    } catch (error) {
      expect((error as InvalidPolicyError).field).toBe(`policy.${field}`);
    }
  });

  it('refuses reminders with no interval between them', () => {
    expect(() => resolvePolicy({ reminderIntervalSeconds: 0, maxReminders: 2 })).toThrow('policy.reminderIntervalSeconds');
    expect(resolvePolicy({ reminderIntervalSeconds: 0, maxReminders: 0 }).maxReminders).toBe(0);
  });
});

describe('effectivePolicy', () => {
  it('lays a commitment override over the plan policy field by field, defaults for the rest', () => {
    const plan = { reminderIntervalSeconds: 60, maxReminders: 5 };
    expect(effectivePolicy(plan, { maxReminders: 1, uploadLinkValidityAfterDueSeconds: 10 })).toEqual({
      ...DEFAULT_MONITORING_POLICY,
      reminderIntervalSeconds: 60,
      maxReminders: 1,
      uploadLinkValidityAfterDueSeconds: 10,
    });
  });

  it.each([null, undefined, {}])('keeps the plan policy without an override (%p)', (overrides) => {
    expect(effectivePolicy({ maxReminders: 2 }, overrides)).toEqual({ ...DEFAULT_MONITORING_POLICY, maxReminders: 2 });
  });

  it('keeps the plan value for an override field left undefined or null', () => {
    const overrides = { maxReminders: undefined, escalationGraceSeconds: null } as unknown as Partial<MonitoringPolicy>;
    expect(effectivePolicy({ maxReminders: 2, escalationGraceSeconds: 5 }, overrides)).toMatchObject({ maxReminders: 2, escalationGraceSeconds: 5 });
  });

  it('uses the defaults without a plan policy, and checks the result', () => {
    expect(effectivePolicy(null, null)).toEqual(DEFAULT_MONITORING_POLICY);
    expect(() => effectivePolicy({ maxReminders: 2 }, { reminderIntervalSeconds: 0 })).toThrow(InvalidPolicyError);
  });
});
