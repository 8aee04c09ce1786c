import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertSearchAttributes,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { attachToCommitmentSignal, cancelSignal, milestoneWorkflowId, replanSignal } from '../milestone/milestone.messages';
import { milestoneWorkflow } from '../milestone/milestone.workflow';
import {
  AGENCY_ID_ATTRIBUTE,
  COMMITMENT_ID_ATTRIBUTE,
  COMMITMENT_STATUS_ATTRIBUTE,
  DUE_AT_ATTRIBUTE,
  MILESTONE_STATUS_ATTRIBUTE,
  PLAN_ID_ATTRIBUTE,
} from '../search-attributes';
import {
  cancelMilestoneSignal,
  CommitmentCommand,
  CommitmentState,
  CommitmentWorkflowInput,
  FollowedMilestone,
  FollowMilestoneInput,
  followMilestoneSignal,
  getCommitmentStateQuery,
  milestoneClosedSignal,
  replanMilestoneSignal,
} from './commitment.messages';

/** History entries a run carries into the next when it continues as new. */
const CARRIED_HISTORY = 50;

/**
 * Follows the milestones of one commitment: starts a child workflow per milestone, carries
 * replannings and cancellations to them in the order they came, and ends once every milestone it
 * follows has closed. The API reaches it with signal-with-start, so a message is never lost: it is
 * stored before any worker sees it, and a replanning sent right after a milestone was added waits
 * in the queue until that milestone's workflow exists.
 *
 * Children are abandoned, not terminated, when this workflow's run ends (they outlive a
 * continue-as-new); they report their end with a signal by workflow id, which reaches whichever
 * run is current.
 */
export async function commitmentWorkflow(input: CommitmentWorkflowInput): Promise<CommitmentState> {
  const state: CommitmentState = {
    commitmentId: input.commitmentId,
    status: 'active',
    milestones: input.resume?.milestones ?? [],
    pending: 0,
    history: input.resume?.history ?? [],
  };
  const queue: CommitmentCommand[] = input.resume?.queue ?? [];
  /** The message being carried now (it has left the queue but is not done yet). */
  let carrying = false;
  const record = (event: string, detail?: Record<string, string | number>) => state.history.push({ at: new Date().toISOString(), event, detail });
  const followed = (milestoneId: string) => state.milestones.find((m) => m.milestoneId === milestoneId);
  const allClosed = () => state.milestones.length > 0 && state.milestones.every((m) => m.state === 'closed');

  setHandler(followMilestoneSignal, (milestone) => void queue.push({ kind: 'follow', milestone }));
  setHandler(replanMilestoneSignal, (request) => void queue.push({ kind: 'replan', request }));
  setHandler(cancelMilestoneSignal, (request) => void queue.push({ kind: 'cancel', request }));
  setHandler(milestoneClosedSignal, ({ milestoneId, status }) => {
    const milestone = followed(milestoneId);
    if (!milestone || milestone.state === 'closed') return;
    milestone.state = 'closed';
    milestone.outcome = status;
    record('milestone_closed', { milestoneId, status });
  });
  setHandler(getCommitmentStateQuery, () => ({ ...state, pending: queue.length + (carrying ? 1 : 0) }));

  let publishedDueAt: string | null = null;
  /** Keeps the earliest due date of the open milestones searchable (each upsert is a command). */
  const publishDueAt = () => {
    // An attached milestone first met through a cancellation has no known due date ('').
    const open = state.milestones.filter((m) => m.state === 'running' && m.dueAt).map((m) => m.dueAt).sort();
    if (open.length === 0 || open[0] === publishedDueAt) return;
    publishedDueAt = open[0];
    upsertSearchAttributes([{ key: DUE_AT_ATTRIBUTE, value: new Date(publishedDueAt) }]);
  };

  /** Starts the milestone's workflow as a child; one that exists already is attached instead. */
  const follow = async (milestone: FollowMilestoneInput) => {
    if (followed(milestone.milestoneId)) return; // a retried call, or a plan activated again
    const entry: FollowedMilestone = { milestoneId: milestone.milestoneId, workflowId: milestoneWorkflowId(milestone.milestoneId), dueAt: milestone.dueAt, state: 'running', outcome: null, adopted: false };
    state.milestones.push(entry);
    try {
      await startChild(milestoneWorkflow, {
        workflowId: entry.workflowId,
        args: [{ milestoneId: milestone.milestoneId, startAt: milestone.startAt, dueAt: milestone.dueAt, policy: milestone.policy, commitmentWorkflowId: workflowInfo().workflowId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: PLAN_ID_ATTRIBUTE, value: input.planId },
          { key: COMMITMENT_ID_ATTRIBUTE, value: input.commitmentId },
          { key: AGENCY_ID_ATTRIBUTE, value: milestone.responsibleAgencyId },
          { key: MILESTONE_STATUS_ATTRIBUTE, value: milestone.status },
          { key: DUE_AT_ATTRIBUTE, value: new Date(milestone.dueAt) },
        ],
      });
      record('milestone_started', { milestoneId: milestone.milestoneId });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      await attach(entry);
    }
  };

  /** Follows a milestone workflow this one did not start: it is asked to report its end here. */
  const attach = async (entry: FollowedMilestone) => {
    entry.adopted = true;
    try {
      await getExternalWorkflowHandle(entry.workflowId).signal(attachToCommitmentSignal, { commitmentWorkflowId: workflowInfo().workflowId });
      record('milestone_attached', { milestoneId: entry.milestoneId });
    } catch {
      entry.state = 'closed';
      record('milestone_already_closed', { milestoneId: entry.milestoneId });
    }
  };

  /** Carries a replanning or a cancellation to the milestone's workflow. */
  const forward = async (command: Exclude<CommitmentCommand, { kind: 'follow' }>) => {
    const { milestoneId } = command.request;
    let entry = followed(milestoneId);
    if (!entry) {
      // Started before commitment workflows existed (or by an earlier run of this one): attach to it first.
      entry = { milestoneId, workflowId: milestoneWorkflowId(milestoneId), dueAt: command.kind === 'replan' ? command.request.dueAt : '', state: 'running', outcome: null, adopted: true };
      state.milestones.push(entry);
      await attach(entry);
    }
    if (entry.state === 'closed') {
      record(`${command.kind}_not_delivered`, { milestoneId, reason: 'the milestone workflow has ended' });
      return;
    }
    try {
      const handle = getExternalWorkflowHandle(entry.workflowId);
      if (command.kind === 'replan') {
        const { replanningId, dueAt, reason } = command.request;
        await handle.signal(replanSignal, { replanningId, dueAt, reason });
        entry.dueAt = dueAt;
      } else {
        await handle.signal(cancelSignal, { reason: command.request.reason });
      }
      record(`${command.kind}_delivered`, { milestoneId });
    } catch {
      entry.state = 'closed';
      record(`${command.kind}_not_delivered`, { milestoneId, reason: 'the milestone workflow has ended' });
    }
  };

  for (;;) {
    await condition(() => queue.length > 0 || allClosed() || workflowInfo().continueAsNewSuggested);
    const command = queue.shift();
    if (command) {
      carrying = true;
      if (command.kind === 'follow') await follow(command.milestone);
      else await forward(command);
      carrying = false;
      publishDueAt();
      continue;
    }
    if (allClosed()) break;
    // Years of replannings make a long history: a fresh run carries on with what matters.
    await condition(allHandlersFinished);
    await continueAsNew<typeof commitmentWorkflow>({ ...input, resume: { milestones: state.milestones, queue, history: state.history.slice(-CARRIED_HISTORY) } });
  }

  state.status = 'closed';
  record('closed');
  upsertSearchAttributes([{ key: COMMITMENT_STATUS_ATTRIBUTE, value: 'closed' }]);
  await condition(allHandlersFinished);
  return { ...state, pending: queue.length };
}
