/**
 * Search attributes of our workflows, so the Temporal UI and the API can list them by plan,
 * commitment, agency, status and due date. They must exist on the server: the dev server registers
 * them at start, the worker adds them on other servers.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PLAN_ID_ATTRIBUTE = defineSearchAttributeKey('OgpPlanId', SearchAttributeType.KEYWORD);
export const COMMITMENT_ID_ATTRIBUTE = defineSearchAttributeKey('OgpCommitmentId', SearchAttributeType.KEYWORD);
/** The milestone's responsible agency; on a commitment workflow, the commitment's lead agency. */
export const AGENCY_ID_ATTRIBUTE = defineSearchAttributeKey('OgpAgencyId', SearchAttributeType.KEYWORD);
export const MILESTONE_STATUS_ATTRIBUTE = defineSearchAttributeKey('OgpMilestoneStatus', SearchAttributeType.KEYWORD);
/** Set on commitment workflows: `active` while a milestone is followed, `closed` once all are closed. */
export const COMMITMENT_STATUS_ATTRIBUTE = defineSearchAttributeKey('OgpCommitmentStatus', SearchAttributeType.KEYWORD);
/** A milestone's due date; on a commitment workflow, the earliest due date of its open milestones. */
export const DUE_AT_ATTRIBUTE = defineSearchAttributeKey('OgpDueAt', SearchAttributeType.DATETIME);

export const OGP_SEARCH_ATTRIBUTES = [PLAN_ID_ATTRIBUTE, COMMITMENT_ID_ATTRIBUTE, AGENCY_ID_ATTRIBUTE, MILESTONE_STATUS_ATTRIBUTE, COMMITMENT_STATUS_ATTRIBUTE, DUE_AT_ATTRIBUTE];
