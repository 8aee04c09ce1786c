/**
 * The bench's yardstick (`npm run bench -- scale`): a workflow that does nothing. It is started
 * exactly as a milestone is handed over (signal-with-start, the same signal name, payload and search
 * attributes), on a task queue of its own, so the difference in start rate is the milestone's own work.
 */
import { defineSignal, setHandler } from '@temporalio/workflow';

export const noopFollowSignal = defineSignal<[unknown]>('followMilestone');

export async function scaleNoopWorkflow(_input: unknown): Promise<void> {
  setHandler(noopFollowSignal, () => undefined);
}
