import { Foundation1763900000000 } from './1763900000000-foundation';
import { PlanModel1763910000000 } from './1763910000000-plan-model';
import { EvidenceFiles1763920000000 } from './1763920000000-evidence-files';
import { ReviewAndEscalation1763930000000 } from './1763930000000-review-and-escalation';
import { HousekeepingIndexes1763940000000 } from './1763940000000-housekeeping-indexes';
import { WorkflowReconcile1763950000000 } from './1763950000000-workflow-reconcile';
import { CheckIns1763960000000 } from './1763960000000-check-ins';
import { Subscribers1763970000000 } from './1763970000000-subscribers';
import { Digests1763980000000 } from './1763980000000-digests';
import { ApiTokenExpiry1763990000000 } from './1763990000000-api-token-expiry';

/** In order. Listed by class so the same list works from TypeScript sources and from dist/. */
export const MIGRATIONS = [Foundation1763900000000, PlanModel1763910000000, EvidenceFiles1763920000000, ReviewAndEscalation1763930000000, HousekeepingIndexes1763940000000, WorkflowReconcile1763950000000, CheckIns1763960000000, Subscribers1763970000000, Digests1763980000000, ApiTokenExpiry1763990000000];
