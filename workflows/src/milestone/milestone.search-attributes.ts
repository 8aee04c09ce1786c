/**
 * Search attributes of milestone workflows, so the Temporal UI and the API can list them by plan,
 * commitment, agency, status and due date. They must exist on the server: the dev server registers
 * them at start, the worker adds them on other servers.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PLAN_ID_ATTRIBUTE = defineSearchAttributeKey('OgpPlanId', SearchAttributeType.KEYWORD);
export const COMMITMENT_ID_ATTRIBUTE = defineSearchAttributeKey('OgpCommitmentId', SearchAttributeType.KEYWORD);
export const AGENCY_ID_ATTRIBUTE = defineSearchAttributeKey('OgpAgencyId', SearchAttributeType.KEYWORD);
export const MILESTONE_STATUS_ATTRIBUTE = defineSearchAttributeKey('OgpMilestoneStatus', SearchAttributeType.KEYWORD);
export const DUE_AT_ATTRIBUTE = defineSearchAttributeKey('OgpDueAt', SearchAttributeType.DATETIME);

export const MILESTONE_SEARCH_ATTRIBUTES = [PLAN_ID_ATTRIBUTE, COMMITMENT_ID_ATTRIBUTE, AGENCY_ID_ATTRIBUTE, MILESTONE_STATUS_ATTRIBUTE, DUE_AT_ATTRIBUTE];
