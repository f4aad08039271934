import type { StoredEvent } from '@rapid-search/events';
import { publishedEnvelope } from '@rapid-search/events/testing';
import t from 'tap';
import type { ConsoleConnection } from './console-connection.js';
import { ConsoleHub, type CenterBatch } from './console-hub.js';

const CENTER = 'cc-kunming-guandu';

const stored = (position: number): StoredEvent =>
  publishedEnvelope({ type: 'TaskAcknowledged', data: { taskId: `task-${position}`, caseId: 'case-1' } }, 'case-1', { position });

/** A console of the center that keeps what each write hands it. */
function console(writes: number[][]): ConsoleConnection {
  return { centerId: CENTER, deliver: (batch: CenterBatch) => void writes.push(batch.positions) } as unknown as ConsoleConnection;
}

t.test('given a fan-out under way, when more batches are handed over, then they reach each console together in one write', async (t) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let opens = 0;
  const hub = new ConsoleHub(
    (error) => t.fail(String(error)),
    async (events) => {
      if (opens++ === 0) await held;
      return events;
    },
  );
  const first: number[][] = [];
  const second: number[][] = [];
  hub.add(console(first));
  hub.add(console(second));

  hub.publish([{ stored: stored(1), centers: [CENTER] }]);
  await new Promise(setImmediate); // the first fan-out is opening its batch
  hub.publish([{ stored: stored(2), centers: [CENTER] }]);
  hub.publish([{ stored: stored(3), centers: [CENTER] }]);
  release();
  await new Promise((resolve) => setTimeout(resolve, 20));

  t.same(first, [[1], [2, 3]], 'the batches that waited behind the first fan-out share one write');
  t.same(second, [[1], [2, 3]]);
  t.equal(opens, 2, 'opened once per fan-out');
});
