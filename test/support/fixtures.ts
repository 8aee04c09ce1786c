import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import type { DataSource } from 'typeorm';
import { CheckInStatus, MeetingMode, type MonitoringPolicy } from '../../libs/domain/src';
import { CheckInEntity } from '../../libs/persistence/src';
import type { TestSystem } from './test-system';

/** A policy in seconds, so a real workflow runs through its life within a test. */
export function secondsPolicy(overrides: Partial<MonitoringPolicy> = {}): Partial<MonitoringPolicy> {
  return { evidenceRequestLeadSeconds: 3, reminderIntervalSeconds: 2, maxReminders: 1, escalationGraceSeconds: 5, secondLevelEscalationSeconds: 10, uploadLinkValidityAfterDueSeconds: 600, resubmissionSeconds: 5, ...overrides };
}

export interface PlanFixture {
  jurisdictionId: string;
  /** Bearer headers of the jurisdiction's coordinator. */
  coordinator: { Authorization: string };
  imbEmail: string;
  officeEmail: string;
  agencyId: string;
  agencyEmail: string;
  planId: string;
  commitmentId: string;
}

/** Creates, through the API, a jurisdiction with one agency, an active plan and one commitment. */
export async function createPlanFixture(system: TestSystem, options: { language?: 'es' | 'en'; policy?: Partial<MonitoringPolicy>; status?: 'draft' | 'active' } = {}): Promise<PlanFixture> {
  const suffix = randomBytes(4).toString('hex');
  const http = system.http();
  const jurisdiction = await http
    .post('/jurisdictions')
    .set(system.adminAuth)
    .send({ slug: `city-${suffix}`, name: `City ${suffix}`, country: 'AR', timeZone: 'America/Argentina/Cordoba', defaultLanguage: 'es', officeContacts: [{ name: 'Office', email: `office-${suffix}@test.example` }] })
    .expect(201);
  const token = await http.post(`/jurisdictions/${jurisdiction.body.id}/tokens`).set(system.adminAuth).send({ role: 'coordinator', label: `Coordinator of ${suffix}` }).expect(201);
  const coordinator = { Authorization: `Bearer ${token.body.token}` };
  const agencyEmail = `agency-${suffix}@test.example`;
  const agency = await http
    .post(`/jurisdictions/${jurisdiction.body.id}/agencies`)
    .set(coordinator)
    .send({ name: 'Secretariat of Modernization and Proximity', contacts: [{ name: 'Referent', email: agencyEmail }], language: options.language ?? 'es' })
    .expect(201);
  const today = new Date();
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  const plan = await http
    .post('/plans')
    .set(coordinator)
    .send({
      jurisdictionId: jurisdiction.body.id,
      title: `Action plan ${suffix}`,
      periodStart: isoDate(new Date(today.getTime() - 86_400_000)),
      periodEnd: isoDate(new Date(today.getTime() + 365 * 86_400_000)),
      termEnd: isoDate(new Date(today.getTime() + 430 * 86_400_000)),
      status: options.status ?? 'active',
      policy: options.policy ?? secondsPolicy(),
      imb: { name: 'PoliLab UNR', contacts: [{ name: 'IMB contact', email: `imb-${suffix}@test.example` }] },
    })
    .expect(201);
  const commitment = await http
    .post(`/plans/${plan.body.id}/commitments`)
    .set(coordinator)
    .send({ title: 'Dynamic and evaluable citizen-participation tools', leadAgencyId: agency.body.id, ogpValues: ['civic_participation'] })
    .expect(201);
  return { jurisdictionId: jurisdiction.body.id, coordinator, imbEmail: `imb-${suffix}@test.example`, officeEmail: `office-${suffix}@test.example`, agencyId: agency.body.id, agencyEmail, planId: plan.body.id, commitmentId: commitment.body.id };
}

export interface EventuallyOptions {
  /** How long to keep reading (default 20 s). */
  timeoutMs?: number;
  /** Pause between two reads (default 200 ms). */
  everyMs?: number;
  /** What is waited for, for the message when time runs out (e.g. "the milestone to be overdue"). */
  description?: string;
}

/**
 * Polls `read` until `accept` holds and returns that value. A read (or an `accept`) that throws
 * counts as "not yet". When the time is up it throws, saying what it waited for and what it last
 * saw: the last value read (JSON, truncated), or the last error and the last value read before it.
 * `options` may be just the timeout in ms; `everyMs` is then the fourth argument.
 */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, options: number | EventuallyOptions = {}, everyMs?: number): Promise<T> {
  const { timeoutMs = 20_000, everyMs: pause = everyMs ?? 200, description } = typeof options === 'number' ? { timeoutMs: options } : options;
  const started = Date.now();
  let last: { value: T } | { error: unknown } | undefined;
  let lastValue: { value: T; at: number } | undefined;
  for (;;) {
    try {
      const value = await read();
      last = { value };
      lastValue = { value, at: Date.now() };
      if (accept(value)) return value;
    } catch (error) {
      last = { error };
    }
    if (Date.now() - started >= timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  // When the last read failed, the last value read before it still says how far things got.
  const seen =
    last && 'value' in last
      ? `last value: ${describeValue(last.value)}`
      : `last error: ${describeError(last && 'error' in last ? last.error : undefined)}${lastValue ? `; last value (${Math.round((Date.now() - lastValue.at) / 1000)} s before): ${describeValue(lastValue.value)}` : ''}`;
  throw new Error(`Timed out after ${Date.now() - started} ms waiting for ${description ?? 'a value accepted by ' + (accept.name || 'the predicate')}; ${seen}`, {
    cause: last && 'error' in last ? last.error : undefined,
  });
}

const MAX_SEEN_CHARS = 1_000;

function truncate(text: string): string {
  return text.length > MAX_SEEN_CHARS ? `${text.slice(0, MAX_SEEN_CHARS)}… (${text.length} chars)` : text;
}

/** JSON where possible (supertest responses serialise to status, headers and text); util.inspect otherwise. */
function describeValue(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // circular or BigInt: fall back below
  }
  return truncate(text ?? inspect(value, { depth: 4, breakLength: Infinity }));
}

function describeError(error: unknown): string {
  return truncate(error instanceof Error ? `${error.name}: ${error.message}` : inspect(error, { depth: 4, breakLength: Infinity }));
}

export function uploadTokenFrom(text: string): string {
  const match = /\/evidence-uploads\/([A-Za-z0-9_\-.]+)/.exec(text);
  if (!match) throw new Error(`No upload link in: ${text}`);
  return match[1];
}

export interface CreatedMilestone {
  id: string;
  dueAt: string;
  version: number;
  status: string;
  workflowId: string;
  workflow: { workflowId: string; commitmentWorkflowId: string; effect: string; detail?: string };
}

/**
 * Waits until the workflow exists on the server. A milestone's workflow is started by its
 * commitment's workflow a moment after the API answered.
 */
export async function workflowStarted(system: TestSystem, workflowId: string): Promise<void> {
  // Until it exists, describe() throws (not found); eventually reports the last such error on timeout.
  await eventually(() => system.temporal.workflow.getHandle(workflowId).describe(), () => true, { description: `workflow ${workflowId} to be started` });
}

/** Creates, through the API, a milestone starting now and due in `dueInSeconds`, for the fixture's agency. */
export async function createMilestone(system: TestSystem, fixture: PlanFixture, dueInSeconds: number, title: string, extra: Record<string, unknown> = {}): Promise<CreatedMilestone> {
  const now = Date.now();
  const response = await system
    .http()
    .post(`/commitments/${fixture.commitmentId}/milestones`)
    .set(fixture.coordinator)
    .send({ title, startAt: new Date(now).toISOString(), dueAt: new Date(now + dueInSeconds * 1000).toISOString(), responsibleAgencyId: fixture.agencyId, ...extra })
    .expect(201);
  const created = response.body as CreatedMilestone;
  if (created.workflow.effect === 'following') await workflowStarted(system, created.workflowId);
  return created;
}

/** Every file under `dir` (relative paths, sorted), temporary files included: what a refused upload must not leave. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * A check-in row of a plan as a schedule run would have prepared it (in person, 90 minutes, a
 * one-item agenda, scheduled, 10 days ahead unless `values` say otherwise), written straight to the
 * database: no workflow runs for it. Returns its id.
 */
export async function insertCheckIn(dataSource: DataSource, values: Partial<CheckInEntity> & { planId: string }): Promise<string> {
  const startsAt = values.startsAt ?? new Date(Date.now() + 10 * 86_400_000);
  const row = await dataSource.getRepository(CheckInEntity).save({
    // The run's nominal time, unique per plan: a random offset keeps rows of one plan apart.
    scheduledFor: new Date(startsAt.getTime() + Math.floor(Math.random() * 1e9)),
    startsAt,
    durationMinutes: 90,
    mode: MeetingMode.InPerson,
    address: 'Palacio Municipal',
    onlineUrl: null,
    status: CheckInStatus.Scheduled,
    agenda: [{ kind: 'other' as const, title: 'Welcome', durationMinutes: 10, commitmentId: null, links: [] }],
    ...values,
  });
  return row.id;
}
