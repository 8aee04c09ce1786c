import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  canReplan,
  checkMilestoneDates,
  checkMilestoneWeights,
  checkPlanPeriod,
  CommitmentStatus,
  effectivePolicy,
  InvalidPolicyError,
  MAX_ACTIVE_COMMITMENTS,
  MilestoneStatus,
  MonitoringPolicy,
  PlanStatus,
  resolvePolicy,
} from '@app/domain';
import { MilestoneCsvRow, parseMilestonesCsv } from '@app/exchange';
import {
  ActionPlanEntity,
  AgencyEntity,
  CommitmentAssessmentEntity,
  CommitmentEntity,
  CommitmentRepository,
  FollowUpCommitteeMemberEntity,
  MilestoneEntity,
  MilestoneReplanningEntity,
  MilestoneRepository,
  recordAudit,
} from '@app/persistence';
import { newMilestone } from '@app/application';
import { Actor } from '../auth/actor';
import { mapContacts } from '../common/contact.dto';
import { definedOnly } from '../common/unique';
import { ProblemException } from '../common/problem-details.filter';
import { JurisdictionsService } from '../jurisdictions/jurisdictions.service';
import { WorkflowEngineUnavailableError } from '@app/temporal';
import { MilestoneWorkflowSync } from '../milestones/milestone-workflow-sync.service';
import { PlanScope } from '../auth/plan-scope.service';
import { ImportReportDto, PlanDocumentDto } from './plan-document.dto';

type ImportError = { field: string; message: string; line?: number };

/**
 * Imports: a whole plan from its JSON document, or a plan's milestones from CSV (upserted by
 * external id). Both validate everything first; a dry run only reports, and a real import with any
 * error writes nothing (422 with the same report).
 */
@Injectable()
export class PlanImportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jurisdictions: JurisdictionsService,
    private readonly scope: PlanScope,
    private readonly workflowSync: MilestoneWorkflowSync,
    private readonly milestones: MilestoneRepository,
    private readonly commitments: CommitmentRepository,
  ) {}

  async importPlan(actor: Actor, jurisdictionId: string, doc: PlanDocumentDto, dryRun: boolean): Promise<ImportReportDto> {
    await this.jurisdictions.require(actor, jurisdictionId);
    const existingAgencies = await this.db.getRepository(AgencyEntity).findBy({ jurisdictionId });
    const errors = [...fieldsNotUtf8(doc, ''), ...validateDocument(doc, new Set([...existingAgencies.map((a) => a.name), ...doc.agencies.map((a) => a.name)]))];
    const summary = {
      commitments: doc.commitments.length,
      milestones: doc.commitments.reduce((n, c) => n + c.milestones.length, 0),
      agenciesCreated: doc.agencies.filter((a) => !existingAgencies.some((e) => e.name === a.name)).length,
    };
    if (errors.length > 0) return reportOrThrow({ dryRun, valid: false, errors, planId: null, summary });
    if (dryRun) return { dryRun, valid: true, errors: [], planId: null, summary };

    const plan = await this.db.transaction(async (manager) => {
      const milestones = this.milestones.withManager(manager);
      const agencyIds = await upsertAgencies(manager, actor, jurisdictionId, doc, existingAgencies);
      const saved = await manager.save(
        manager.create(ActionPlanEntity, {
          jurisdictionId,
          title: doc.plan.title,
          periodStart: doc.plan.periodStart,
          periodEnd: doc.plan.periodEnd,
          termEnd: doc.plan.termEnd,
          strategicVision: doc.plan.strategicVision ?? null,
          status: doc.plan.status,
          policy: resolvePolicy({ ...doc.plan.policy }),
          imbName: doc.plan.imb?.name ?? null,
          imbContacts: mapContacts(doc.plan.imb?.contacts ?? []),
          endorsingStakeholders: doc.plan.endorsingStakeholders,
        }),
      );
      await recordAudit(manager, { jurisdictionId, actor, action: 'action_plan.imported', entityType: 'action_plan', entityId: saved.id, after: saved });
      for (const c of doc.commitments) {
        const commitment = await manager.save(
          manager.create(CommitmentEntity, {
            planId: saved.id,
            title: c.title,
            description: c.description ?? null,
            leadAgencyId: agencyIds.get(c.leadAgency)!,
            supportingStakeholders: c.supportingStakeholders,
            ogpValues: c.ogpValues,
            challengeArea: c.challengeArea ?? null,
            sdgTags: c.sdgTags,
            externalId: c.externalId ?? null,
            status: c.status,
            policyOverrides: c.policy ? (definedOnly(c.policy) as Partial<MonitoringPolicy>) : null,
          }),
        );
        await recordAudit(manager, { jurisdictionId, actor, action: 'commitment.imported', entityType: 'commitment', entityId: commitment.id, after: commitment });
        for (const m of c.committee) {
          await manager.save(manager.create(FollowUpCommitteeMemberEntity, { commitmentId: commitment.id, kind: m.kind, name: m.name, organisation: m.organisation ?? null, email: m.email ?? null, dialogueBoardMemberId: null }));
        }
        for (const a of c.assessments) {
          await manager.save(
            manager.create(CommitmentAssessmentEntity, {
              commitmentId: commitment.id,
              assessor: a.assessor as 'government' | 'imb',
              completion: a.completion,
              potentialForResults: a.potentialForResults ?? null,
              didItOpenGovernment: a.didItOpenGovernment ?? null,
              narrative: a.narrative,
              actor: a.actor,
              assessedAt: new Date(a.assessedAt),
            }),
          );
        }
        for (const m of c.milestones) {
          // As exported: weights (checked as a whole above), completion, the approved date and a cancellation.
          const milestone = await milestones.insert(
            newMilestone({
              commitmentId: commitment.id,
              title: m.title,
              expectedOutput: m.expectedOutput,
              startAt: new Date(m.startAt),
              dueAt: new Date(m.dueAt),
              originalDueAt: new Date(m.originalDueAt),
              responsibleAgencyId: agencyIds.get(m.responsibleAgency)!,
              weight: m.weight,
              verifiable: m.verifiable,
              externalId: m.externalId,
              completion: m.completion,
              cancelledReason: m.cancelledReason,
            }),
          );
          await recordAudit(manager, { jurisdictionId, actor, action: 'milestone.imported', entityType: 'milestone', entityId: milestone.id, after: milestone });
          for (const r of m.replanning) {
            await manager.save(
              manager.create(MilestoneReplanningEntity, {
                milestoneId: milestone.id,
                previousDueAt: new Date(r.previousDueAt),
                newDueAt: new Date(r.newDueAt),
                reason: r.reason,
                actor: r.actor,
                changedAt: new Date(r.changedAt),
              }),
            );
          }
        }
      }
      return saved;
    });
    const started = plan.status === PlanStatus.Active ? await this.handOver(plan, 'The plan was imported') : 0;
    return { dryRun, valid: true, errors: [], planId: plan.id, summary: { ...summary, workflowsStarted: started } };
  }

  /** Upserts milestones from CSV by (commitment_external_id, external_id). All rows or none. */
  async importMilestonesCsv(actor: Actor, planId: string, csv: string, dryRun: boolean): Promise<ImportReportDto> {
    const plan = await this.scope.plan(actor, planId, 'write');
    const parsed = parseMilestonesCsv(csv);
    const errors: ImportError[] = parsed.errors.map((e) => ({ line: e.line, field: e.field, message: e.message }));
    const commitments = await this.commitments.ofPlan(planId);
    const byExternalId = new Map(commitments.filter((c) => c.externalId).map((c) => [c.externalId!, c]));
    const agencies = new Map((await this.db.getRepository(AgencyEntity).findBy({ jurisdictionId: plan.jurisdictionId })).map((a) => [a.name, a]));
    const existing = await this.milestones.ofCommitments(commitments.map((c) => c.id));

    const accepted: { row: MilestoneCsvRow; commitment: CommitmentEntity; agency: AgencyEntity; current: MilestoneEntity | undefined }[] = [];
    for (const row of parsed.rows) {
      const commitment = byExternalId.get(row.commitmentExternalId);
      const agency = agencies.get(row.responsibleAgency);
      const rowErrors: ImportError[] = [];
      if (!commitment) rowErrors.push({ line: row.line, field: 'commitment_external_id', message: `No commitment "${row.commitmentExternalId}" in this plan` });
      if (!agency) rowErrors.push({ line: row.line, field: 'responsible_agency', message: `No agency named "${row.responsibleAgency}" in this jurisdiction` });
      for (const v of checkMilestoneDates({ startAt: row.startAt, dueAt: row.dueAt, periodStart: plan.periodStart, periodEnd: plan.periodEnd })) {
        rowErrors.push({ line: row.line, field: v.field === 'startAt' ? 'start_date' : 'due_date', message: v.message });
      }
      const current = commitment ? existing.find((m) => m.commitmentId === commitment.id && m.externalId === row.externalId) : undefined;
      if (current && current.status === MilestoneStatus.Cancelled) rowErrors.push({ line: row.line, field: 'external_id', message: 'That milestone is cancelled and cannot be changed' });
      else if (current && current.dueAt.getTime() !== row.dueAt.getTime() && !canReplan(current.status)) {
        // Moving the due date is a replanning: the same rule as POST /milestones/{id}/replan.
        rowErrors.push({ line: row.line, field: 'due_date', message: `That milestone is ${current.status}: its due date cannot be moved` });
      }
      if (rowErrors.length) errors.push(...rowErrors);
      else accepted.push({ row, commitment: commitment!, agency: agency!, current });
    }
    // Weights: the commitment's milestones after the import must still sum to 1 or be all unset.
    for (const commitment of commitments) {
      const rows = accepted.filter((a) => a.commitment.id === commitment.id);
      if (rows.length === 0) continue;
      const untouched = existing.filter((m) => m.commitmentId === commitment.id && !rows.some((r) => r.current?.id === m.id));
      const violation = checkMilestoneWeights([...untouched.map((m) => m.weight), ...rows.map((r) => r.row.weight)]);
      if (violation) errors.push({ line: rows[0].row.line, field: 'weight', message: `Commitment ${commitment.externalId}: ${violation.message}` });
    }
    const toCreate = accepted.filter((a) => !a.current);
    const toUpdate = accepted.filter((a) => a.current && changed(a.current, a.row, a.agency));
    const summary = { rows: parsed.rows.length + parsed.errors.length, created: toCreate.length, updated: toUpdate.length, unchanged: accepted.length - toCreate.length - toUpdate.length };
    if (errors.length > 0) return reportOrThrow({ dryRun, valid: false, errors: errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), planId, summary });
    if (dryRun) return { dryRun, valid: true, errors: [], planId, summary };

    await this.db.transaction(async (manager) => {
      const milestones = this.milestones.withManager(manager);
      for (const { row, commitment, agency } of toCreate) {
        // The row's weight as given: the weights of the commitment were checked as a whole above.
        const milestone = await milestones.insert(
          newMilestone({
            commitmentId: commitment.id,
            title: row.title,
            expectedOutput: row.expectedOutput,
            startAt: row.startAt,
            dueAt: row.dueAt,
            responsibleAgencyId: agency.id,
            weight: row.weight,
            verifiable: row.verifiable,
            externalId: row.externalId,
            completion: row.completion,
          }),
        );
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.imported', entityType: 'milestone', entityId: milestone.id, after: milestone });
      }
      for (const { row, agency, current } of toUpdate) {
        const before = current!;
        await milestones.update(before.id, {
          title: row.title,
          expectedOutput: row.expectedOutput,
          startAt: row.startAt,
          dueAt: row.dueAt,
          responsibleAgencyId: agency.id,
          weight: row.weight,
          verifiable: row.verifiable,
          completion: row.completion,
        });
        const after = await milestones.getById(before.id);
        if (before.dueAt.getTime() !== row.dueAt.getTime()) {
          // A due date changes only by replanning: the import is one, with its own reason.
          const replanning = await manager.save(manager.create(MilestoneReplanningEntity, { milestoneId: before.id, previousDueAt: before.dueAt, newDueAt: row.dueAt, reason: `Imported from CSV (line ${row.line})`, actor: actor.label }));
          // Told before the commit, as a replanning through the API: not taken, not saved.
          await this.workflowSync.replan(after, plan, replanning.id, 'Imported from CSV');
        }
        await recordAudit(manager, { jurisdictionId: plan.jurisdictionId, actor, action: 'milestone.updated_by_import', entityType: 'milestone', entityId: before.id, before, after });
      }
    });
    // New milestones must be committed before their workflows can see them. Every followed milestone
    // of the plan is handed over (a no-op for those already followed), so an import retried after a
    // 503 here also starts the workflows the failed attempt could not.
    if (plan.status === PlanStatus.Active) await this.handOver(plan, 'The milestones were imported');
    return { dryRun, valid: true, errors: [], planId, summary };
  }

  /** After an import's commit: hands the plan's followed milestones to their workflows, or says how to finish that later. */
  private async handOver(plan: ActionPlanEntity, saved: string): Promise<number> {
    try {
      return await this.workflowSync.startAll(plan);
    } catch (error) {
      if (!(error instanceof WorkflowEngineUnavailableError)) throw error;
      throw new ProblemException(503, 'Service Unavailable', `${saved}, but the workflow engine could not be told about all its milestones. Once it is reachable, call POST /plans/${plan.id}/workflows/sync (or import again).`);
    }
  }
}

function validateDocument(doc: PlanDocumentDto, knownAgencies: Set<string>): ImportError[] {
  const errors: ImportError[] = [];
  const period = checkPlanPeriod(doc.plan);
  errors.push(...period.violations.map((v) => ({ field: `plan.${v.field}`, message: v.message })));
  try {
    resolvePolicy({ ...doc.plan.policy });
  } catch (error) {
    if (error instanceof InvalidPolicyError) errors.push({ field: `plan.${error.field}`, message: error.message });
    else throw error;
  }
  const names = doc.agencies.map((a) => a.name);
  names.forEach((name, i) => names.indexOf(name) !== i && errors.push({ field: `agencies.${i}.name`, message: `Agency "${name}" is listed twice` }));
  const active = doc.commitments.filter((c) => c.status === CommitmentStatus.Active).length;
  if (active > MAX_ACTIVE_COMMITMENTS) errors.push({ field: 'commitments', message: `${active} active commitments: OGP Local allows at most ${MAX_ACTIVE_COMMITMENTS} at a time` });
  const commitmentIds = new Set<string>();
  doc.commitments.forEach((c, i) => {
    const at = `commitments.${i}`;
    if (c.externalId && commitmentIds.has(c.externalId)) errors.push({ field: `${at}.externalId`, message: `externalId "${c.externalId}" is used twice` });
    if (c.externalId) commitmentIds.add(c.externalId);
    if (!knownAgencies.has(c.leadAgency)) errors.push({ field: `${at}.leadAgency`, message: `No agency named "${c.leadAgency}"` });
    if (c.policy) {
      try {
        effectivePolicy(doc.plan.policy, definedOnly(c.policy) as Partial<MonitoringPolicy>);
      } catch (error) {
        if (error instanceof InvalidPolicyError) errors.push({ field: `${at}.${error.field}`, message: error.message });
        else throw error;
      }
    }
    const weights = c.milestones.map((m) => m.weight ?? null);
    const weightViolation = checkMilestoneWeights(weights);
    if (weightViolation) errors.push({ field: `${at}.milestones`, message: weightViolation.message });
    const milestoneIds = new Set<string>();
    c.milestones.forEach((m, j) => {
      const mat = `${at}.milestones.${j}`;
      if (m.externalId && milestoneIds.has(m.externalId)) errors.push({ field: `${mat}.externalId`, message: `externalId "${m.externalId}" is used twice in the commitment` });
      if (m.externalId) milestoneIds.add(m.externalId);
      if (!knownAgencies.has(m.responsibleAgency)) errors.push({ field: `${mat}.responsibleAgency`, message: `No agency named "${m.responsibleAgency}"` });
      for (const v of checkMilestoneDates({ startAt: new Date(m.startAt), dueAt: new Date(m.dueAt), periodStart: doc.plan.periodStart, periodEnd: doc.plan.periodEnd })) {
        errors.push({ field: `${mat}.${v.field}`, message: v.message });
      }
    });
  });
  return errors;
}

async function upsertAgencies(manager: EntityManager, actor: Actor, jurisdictionId: string, doc: PlanDocumentDto, existing: AgencyEntity[]): Promise<Map<string, string>> {
  const ids = new Map(existing.map((a) => [a.name, a.id]));
  for (const agency of doc.agencies) {
    if (ids.has(agency.name)) continue;
    const saved = await manager.save(manager.create(AgencyEntity, { jurisdictionId, name: agency.name, contacts: mapContacts(agency.contacts), language: agency.language }));
    await recordAudit(manager, { jurisdictionId, actor, action: 'agency.imported', entityType: 'agency', entityId: saved.id, after: saved });
    ids.set(agency.name, saved.id);
  }
  return ids;
}

function changed(current: MilestoneEntity, row: MilestoneCsvRow, agency: AgencyEntity): boolean {
  return (
    current.title !== row.title ||
    current.expectedOutput !== row.expectedOutput ||
    current.startAt.getTime() !== row.startAt.getTime() ||
    current.dueAt.getTime() !== row.dueAt.getTime() ||
    current.responsibleAgencyId !== agency.id ||
    current.weight !== row.weight ||
    current.verifiable !== row.verifiable ||
    current.completion !== row.completion
  );
}

/**
 * The text fields holding U+FFFD: bytes of a Latin-1 or Windows-1252 document the JSON parser read as
 * UTF-8 (no charset was declared). Stored, every accented name would stay broken. At most 20 named.
 */
function fieldsNotUtf8(value: unknown, path: string, found: ImportError[] = [], depth = 0): ImportError[] {
  if (found.length >= 20) return found;
  if (typeof value === 'string') {
    if (value.includes('\uFFFD')) found.push({ field: path || 'body', message: `${path || 'body'} has bytes that are not UTF-8 (the document looks like Latin-1 or Windows-1252): save it as UTF-8 (JSON is read as UTF-8, or as UTF-16 when Content-Type says so)` });
  } else if (value !== null && typeof value === 'object' && depth < 20) {
    for (const [key, child] of Object.entries(value)) fieldsNotUtf8(child, path ? `${path}.${key}` : key, found, depth + 1);
  }
  return found;
}

function reportOrThrow(report: ImportReportDto): ImportReportDto {
  if (report.dryRun) return report;
  throw new ProblemException(422, 'Unprocessable Entity', `The import has ${report.errors.length} error(s); nothing was imported.`, report.errors);
}
