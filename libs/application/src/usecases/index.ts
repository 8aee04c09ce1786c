import { ActivatePlan } from './activate-plan';
import { ClosePlan } from './close-plan';
import { CreateMilestone } from './create-milestone';
import { DeliverEvidence } from './deliver-evidence';
import { DeliverPendingEvidence } from './deliver-pending-evidence';
import { PurgeUnconfirmedSubscribers } from './purge-unconfirmed-subscribers';
import { ReconcileWorkflows } from './reconcile-workflows';
import { SyncPlanCheckIns } from './sync-plan-check-ins';
import { SyncPlanDigests } from './sync-plan-digests';
import { SyncPlanWorkflows } from './sync-plan-workflows';

export * from './activate-plan';
export * from './close-plan';
export * from './create-milestone';
export * from './deliver-evidence';
export * from './deliver-pending-evidence';
export * from './purge-unconfirmed-subscribers';
export * from './reconcile-workflows';
export * from './sync-plan-check-ins';
export * from './sync-plan-digests';
export * from './sync-plan-workflows';

export const USE_CASES = [ActivatePlan, ClosePlan, CreateMilestone, SyncPlanWorkflows, SyncPlanCheckIns, SyncPlanDigests, ReconcileWorkflows, DeliverEvidence, DeliverPendingEvidence, PurgeUnconfirmedSubscribers];
