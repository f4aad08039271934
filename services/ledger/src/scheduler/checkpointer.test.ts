import t from 'tap';
import { checkpointDue } from './checkpointer.js';

const schedule = { everyEntries: 100, everyMinutes: 10 };
const since = new Date('2025-05-03T10:00:00.000Z');
const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000);
const last = { seq: 50, signedAt: since.toISOString() };

t.test('given N entries since the last checkpoint, when the schedule looks, then one is due', async (t) => {
  t.ok(checkpointDue({ headSeq: 150, last }, since, at(1), schedule));
  t.notOk(checkpointDue({ headSeq: 149, last }, since, at(1), schedule));
});

t.test('given M minutes since the last checkpoint and a new entry, when the schedule looks, then one is due', async (t) => {
  t.ok(checkpointDue({ headSeq: 51, last }, since, at(10), schedule));
  t.notOk(checkpointDue({ headSeq: 50, last }, since, at(60), schedule), 'no new entry: nothing to sign');
});

t.test('given no checkpoint yet, when M minutes have passed since start, then one is due', async (t) => {
  t.notOk(checkpointDue({ headSeq: 3, last: null }, since, at(9), schedule));
  t.ok(checkpointDue({ headSeq: 3, last: null }, since, at(10), schedule));
  t.notOk(checkpointDue({ headSeq: 0, last: null }, since, at(10), schedule), 'an empty chain');
});
