import t from 'tap';
import type { DomainEvent } from './catalog/index.js';
import { handleCommand, loadState, type HandleOptions } from './command-handler.js';
import type { Decider } from './decider.js';
import { ConcurrencyConflict } from './errors.js';
import { deriveId, newId } from './ids.js';
import { inTransaction } from './store/transaction.js';
import { newEvent, storeFixture } from './store/test-fixtures.js';

const fx = await storeFixture('command_handler');
t.teardown(fx.close);
const { store, pool } = fx;

/** Notes said on a case's alert: each once. The state is every note seen, on any stream read. */
const notes: Decider<{ note: string }, string[]> = {
  initialState: () => [],
  evolve: (seen, event) => (event.type === 'AlertClosed' ? [...seen, event.data.reason] : seen),
  decide: ({ note }, seen) =>
    seen.includes(note) ? [] : [{ type: 'AlertClosed', data: { caseId: 'c1', alertId: 'a1', reason: note, closedAt: '2026-11-22T10:00:00.000Z' } }],
};
const metadata = { actor: { id: 'tester', role: 'system' as const }, correlationId: 'c1', causationId: null };
const options = (streamId: string): HandleOptions<string[], DomainEvent> => ({ streamId, metadata, caseId: () => 'c1' });
const reasons = async (streamId: string) => (await store.readStream(streamId)).map((e) => (e.data as { reason: string }).reason);

t.test('given an empty stream, when a command is handled, then its events open the stream and the state holds them', async (t) => {
  const s = `notes-${newId()}`;
  const result = await handleCommand(store, notes, { note: 'first' }, options(s));
  t.match(result, { version: 1, state: ['first'], events: [{ type: 'AlertClosed', data: { reason: 'first' } }] });
  t.equal(result.positions.length, 1);
  t.match(await store.readStream(s), [{ caseId: 'c1', metadata, streamVersion: 1 }]);
});

t.test('given a stream begun in a drill, when a command is handled without the mark, then its events are drills too', async (t) => {
  const s = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'drill' }, { ...options(s), metadata: { ...metadata, exercise: true } });
  await handleCommand(store, notes, { note: 'next' }, options(s));
  t.same(
    (await store.readStream(s)).map((e) => e.metadata.exercise),
    [true, true],
  );
  const real = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'real' }, options(real));
  t.same(
    (await store.readStream(real)).map((e) => e.metadata.exercise),
    [undefined],
  );
});

t.test('given a drill stream the decision reads, when a command opens another stream, then its events are drills too', async (t) => {
  const drill = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'drill' }, { ...options(drill), metadata: { ...metadata, exercise: true } });
  const s = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'next' }, { ...options(s), reads: [drill] });
  t.same(
    (await store.readStream(s)).map((e) => e.metadata.exercise),
    [true],
  );
});

t.test('given the command is already reflected, then nothing is appended and the version is the one read', async (t) => {
  const s = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'once' }, options(s));
  t.match(await handleCommand(store, notes, { note: 'once' }, options(s)), { events: [], positions: [], version: 1, state: ['once'] });
  t.same(await reasons(s), ['once']);
});

t.test('given another writer appends between the read and the append, then the command is read and decided again', async (t) => {
  const s = `notes-${newId()}`;
  let raced = false;
  const racing: typeof notes = {
    ...notes,
    decide: (command, seen) => {
      // Queued before the handler's own append, so the store writes it first.
      if (!raced) void store.append(s, [{ ...newEvent('c1'), event: notes.decide({ note: 'rival' }, [])[0]! }], { expectedVersion: 'any' });
      raced = true;
      return notes.decide(command, seen);
    },
  };
  const result = await handleCommand(store, racing, { note: 'mine' }, options(s));
  t.match(result, { version: 2, state: ['rival', 'mine'] });
  t.same(await reasons(s), ['rival', 'mine']);
});

t.test('given one attempt, when another writer appends first, then the conflict reaches the caller', async (t) => {
  const s = `notes-${newId()}`;
  const racing: typeof notes = {
    ...notes,
    decide: (command, seen) => {
      void store.append(s, [{ ...newEvent('c1'), event: notes.decide({ note: 'rival' }, [])[0]! }], { expectedVersion: 'any' });
      return notes.decide(command, seen);
    },
  };
  await t.rejects(handleCommand(store, racing, { note: 'mine' }, { ...options(s), attempts: 1 }), ConcurrencyConflict);
  t.same(await reasons(s), ['rival']);
});

t.test('given derived event ids, when the same answer is appended again, then it is stored once', async (t) => {
  const s = `notes-${newId()}`;
  const forgetful: typeof notes = { ...notes, decide: (command) => notes.decide(command, []) };
  const derived = { ...options(s), eventId: (_e: DomainEvent, i: number) => deriveId(s, 'note', String(i)) };
  const first = await handleCommand(store, forgetful, { note: 'same' }, derived);
  const again = await handleCommand(store, forgetful, { note: 'same' }, derived);
  t.same(again.positions, first.positions, 'the repeat answers with what the first stored');
  t.match(await store.readStream(s), [{ eventId: deriveId(s, 'note', '0') }]);
  t.same(await reasons(s), ['same']);
});

t.test("given the caller's transaction, then the append is part of it and rolls back with it", async (t) => {
  const s = `notes-${newId()}`;
  const failed = inTransaction(pool, async (tx) => {
    const result = await handleCommand(store, notes, { note: 'undone' }, { ...options(s), tx });
    t.same((await loadState(store, notes, s, { tx })).state, result.state, 'the transaction reads its own append');
    throw new Error('the unit of work fails');
  });
  await t.rejects(failed, { message: 'the unit of work fails' });
  t.same(await reasons(s), []);
});

t.test('given streams the decision reads, then their events are in the state and only the target is appended to', async (t) => {
  const other = `notes-${newId()}`;
  const target = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'elsewhere' }, options(other));
  const result = await handleCommand(store, notes, { note: 'elsewhere' }, { ...options(target), reads: [other] });
  t.match(result, { events: [], version: 0 }, 'decided on what the other stream holds');
  const next = await handleCommand(store, notes, { note: 'here' }, { ...options(target), reads: [other] });
  t.match(next, { version: 1, state: ['elsewhere', 'here'] });
  t.same(await reasons(other), ['elsewhere']);
  t.same(await reasons(target), ['here']);
});

t.test('given a state read under the lock, then the stream is not read again and a conflict is not retried', async (t) => {
  const s = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'stored' }, options(s));
  const believed = await handleCommand(
    store,
    notes,
    { note: 'next' },
    { ...options(s), from: { state: ['stored', 'next'], version: 1, exercise: false } },
  );
  t.match(believed, { events: [], version: 1 }, 'decided on the state given, not on the stream');
  const result = await handleCommand(store, notes, { note: 'next' }, { ...options(s), from: { state: ['stored'], version: 1, exercise: false } });
  t.match(result, { version: 2, state: ['stored', 'next'] });
  const stale = handleCommand(store, notes, { note: 'late' }, { ...options(s), from: { state: ['stored'], version: 1, exercise: false } });
  await t.rejects(stale, ConcurrencyConflict);
  t.same(await reasons(s), ['stored', 'next']);
});

/** The streams the store is asked to read while `run` runs. */
async function streamsRead(run: () => Promise<unknown>): Promise<string[]> {
  const read: string[] = [];
  const readStream = store.readStream.bind(store);
  store.readStream = (streamId, options) => {
    read.push(streamId);
    return readStream(streamId, options);
  };
  try {
    await run();
  } finally {
    store.readStream = readStream;
  }
  return read;
}

t.test('given an empty stream, when a command that opens it is handled, then it is appended without a read', async (t) => {
  const s = `notes-${newId()}`;
  t.same(await streamsRead(() => handleCommand(store, notes, { note: 'first' }, { ...options(s), opensStream: true })), []);
  t.same(await reasons(s), ['first']);
});

t.test('given another writer opened the stream, when a command that opens it is handled, then it is decided on what the stream holds', async (t) => {
  const s = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'first' }, options(s));
  const read = await streamsRead(async () => {
    t.match(await handleCommand(store, notes, { note: 'first' }, { ...options(s), opensStream: true }), { events: [], version: 1 });
    t.match(await handleCommand(store, notes, { note: 'next' }, { ...options(s), opensStream: true }), { version: 2 });
  });
  t.same(read, [s, s], 'read once the guess met the stream');
  t.same(await reasons(s), ['first', 'next']);
});

t.test('given a command that opens its stream with derived ids, when it is redelivered, then it is stored once', async (t) => {
  const s = `notes-${newId()}`;
  const derived = { ...options(s), opensStream: true, eventId: (_e: DomainEvent, i: number) => deriveId(s, 'opening', String(i)) };
  const first = await handleCommand(store, notes, { note: 'once' }, derived);
  const again = await handleCommand(store, notes, { note: 'once' }, derived);
  t.same(again.positions, first.positions, 'the repeat answers with what the first stored');
  t.same(await reasons(s), ['once']);
});

t.test('given a decision that reads other streams, when it opens its stream, then those are read all the same', async (t) => {
  const other = `notes-${newId()}`;
  await handleCommand(store, notes, { note: 'elsewhere' }, options(other));
  const s = `notes-${newId()}`;
  const read = await streamsRead(() => handleCommand(store, notes, { note: 'elsewhere' }, { ...options(s), reads: [other], opensStream: true }));
  t.same(read, [other, s]);
  t.same(await reasons(s), [], 'decided on what the other stream holds');
});
