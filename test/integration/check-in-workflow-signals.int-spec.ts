/**
 * The check-in workflow against fake activities on the dev server: a change signalled while the
 * workflow reads the check-in is not lost (it sends the update), and a change the invitation already
 * carried sends nothing more. The row lives in memory; the fake `loadCheckIn` is slow on purpose.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckInStatus } from '../../libs/domain/src';
import type { CheckInActivities, CheckInEmailKind, CheckInTimes } from '../../workflows/src/check-in/check-in.messages';
import { checkInChangedSignal, checkInClosedSignal } from '../../workflows/src/check-in/check-in.messages';
import { eventually } from '../support/fixtures';
import { workflowBundle } from '../support/workflow-bundle';

const FAR = () => new Date(Date.now() + 3_600_000).toISOString();

describe('checkInWorkflow and its signals', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;

  beforeAll(async () => {
    const address = process.env.TEST_TEMPORAL_ADDRESS!;
    connection = await Connection.connect({ address });
    nativeConnection = await NativeConnection.connect({ address });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  /** An invited check-in in memory, the emails "sent", and loads that take `loadMs`. */
  function fakes(loadMs: number) {
    const row: CheckInTimes = { checkInId: randomUUID(), status: CheckInStatus.Invited, startsAt: FAR(), sequence: 0, invitationsSentAt: new Date().toISOString(), invitationLeadSeconds: 60, closeReminderAfterSeconds: 3600 };
    const sent: { kind: CheckInEmailKind; sequence: number }[] = [];
    let loads = 0;
    const activities: Partial<CheckInActivities> = {
      async loadCheckIn() {
        loads += 1;
        const snapshot = { ...row };
        await sleep(loadMs); // the row is read at the start, as a query would
        return snapshot;
      },
      async refreshCheckInAgenda() {
        return true;
      },
      async sendCheckInInvitations({ kind }) {
        sent.push({ kind, sequence: row.sequence });
        return { queued: 1, recipients: 1, sequence: row.sequence, status: row.status };
      },
      async remindCheckInClose() {
        return true;
      },
    };
    return { row, sent, activities, loads: () => loads };
  }

  it('sends the update of a change signalled while it was reading the check-in', async () => {
    const { row, sent, activities, loads } = fakes(1500);
    const taskQueue = `check-in-signals-${randomUUID()}`;
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: workflowBundle(), activities });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('checkInWorkflow', { workflowId: `check-in-${row.checkInId}`, taskQueue, args: [{ checkInId: row.checkInId }] });
      // The workflow reads the row (slowly) twice before it waits: once before the invitations, once after.
      await eventually(async () => loads(), (n) => n >= 2, { description: 'the workflow to start its second read of the check-in' });
      row.startsAt = new Date(Date.now() + 7_200_000).toISOString();
      row.sequence = 1; // what the API does before it signals
      await handle.signal(checkInChangedSignal);
      await eventually(async () => sent, (s) => s.some((e) => e.kind === 'update'), { timeoutMs: 15_000, description: 'the update of the change' });
      expect(sent).toEqual([{ kind: 'update', sequence: 1 }]);

      // The same change signalled again (a housekeeping nudge) sends nothing more.
      await handle.signal(checkInChangedSignal);
      await sleep(2500);
      expect(sent).toEqual([{ kind: 'update', sequence: 1 }]);
      row.status = CheckInStatus.Closed;
      await handle.signal(checkInClosedSignal);
      await expect(handle.result()).resolves.toMatchObject({ phase: 'closed' });
    });
  });
});
