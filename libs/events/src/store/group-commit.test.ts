import t from 'tap';
import type { BatchItem } from './alongside.js';
import { GroupCommit, type ItemResult, type Pending } from './group-commit.js';

/** A `send` that answers only when told to, and remembers what each batch held. */
function heldSends() {
  const sent: { streams: string[]; answer: () => void }[] = [];
  const send = (batch: readonly Pending[]) =>
    new Promise<ItemResult[]>((resolve) => {
      sent.push({
        streams: batch.map((p) => p.item.streamId),
        answer: () => resolve(batch.map(() => ({ status: 'ok', positions: [], version: 1 }))),
      });
    });
  return { sent, group: new GroupCommit(send) };
}

const item = (streamId: string, events = 1): BatchItem => ({
  streamId,
  expected: 'any',
  events: Array.from({ length: events }, () => ({
    eventId: '00000000-0000-7000-8000-000000000000',
    type: 'T',
    version: 1,
    caseId: null,
    occurredAt: '2026-12-07T00:00:00.000Z',
  })),
  data: `[${Array.from({ length: events }, () => '{}').join(',')}]`,
  metadata: `[${Array.from({ length: events }, () => '{}').join(',')}]`,
});
const settle = () => new Promise((resolve) => setImmediate(resolve));

t.test('given appends made in one go, when they are sent, then they share one batch', async (t) => {
  const { sent, group } = heldSends();
  void group.submit(item('a'), undefined);
  void group.submit(item('b'), undefined);
  await settle();
  t.same(
    sent.map((s) => s.streams),
    [['a', 'b']],
  );
});

t.test('given a short batch in flight, when more appends come, then they wait for it and go together', async (t) => {
  const { sent, group } = heldSends();
  void group.submit(item('a'), undefined);
  await settle();
  void group.submit(item('b'), undefined);
  void group.submit(item('c'), undefined);
  await settle();
  t.equal(sent.length, 1, 'nothing more is sent while the short batch is in flight');
  sent[0]!.answer();
  await settle();
  t.same(sent[1]?.streams, ['b', 'c']);
});

t.test('given a long batch in flight, when another append comes, then a second batch goes at once', async (t) => {
  const { sent, group } = heldSends();
  void group.submit(item('a', 300), undefined);
  await settle();
  void group.submit(item('b'), undefined);
  await settle();
  t.same(
    sent.map((s) => s.streams),
    [['a'], ['b']],
  );
});

t.test('given a stream in flight, when it is appended to again, then that append and later ones to it wait, and others go', async (t) => {
  const { sent, group } = heldSends();
  void group.submit(item('a', 300), undefined);
  await settle();
  void group.submit(item('a'), undefined);
  void group.submit(item('b'), undefined);
  void group.submit(item('a', 2), undefined);
  await settle();
  t.same(sent[1]?.streams, ['b'], 'the second batch passes over stream a');
  sent[0]!.answer();
  sent[1]!.answer();
  await settle();
  t.same(sent[2]?.streams, ['a', 'a'], "a's appends follow, in their order");
});

t.test('given more events than a batch takes, when they are sent, then the first batch stops at the cap and the rest follow', async (t) => {
  const { sent, group } = heldSends();
  for (const stream of ['a', 'b', 'c']) void group.submit(item(stream, 400), undefined);
  await settle();
  t.same(
    sent.map((s) => s.streams),
    [['a', 'b'], ['c']],
  );
});
