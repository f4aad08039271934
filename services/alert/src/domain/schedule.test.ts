import t from 'tap';
import { dueWidenings, nextWidening } from './schedule.js';

const lastSeen = new Date('2025-05-03T07:30:00Z');
const after = (minutes: number): Date => new Date(lastSeen.getTime() + minutes * 60_000);

t.test('given the first radius of 100 km, the next step is 200 km one hour after last seen', async (t) => {
  t.same(nextWidening(lastSeen, 100), { fromKm: 100, toKm: 200, dueAt: after(60) });
});

t.test('given 200 and 300 km, the steps are 300 km at two hours and 500 km at three', async (t) => {
  t.same(nextWidening(lastSeen, 200)?.toKm, 300);
  t.same(nextWidening(lastSeen, 200)?.dueAt, after(120));
  t.same(nextWidening(lastSeen, 300), { fromKm: 300, toKm: 500, dueAt: after(180) });
});

t.test('given 500 km, the release never widens again', async (t) => {
  t.equal(nextWidening(lastSeen, 500), null);
  t.same(dueWidenings(lastSeen, 500, after(10_000)), []);
});

t.test('when it is 59 minutes after last seen, nothing is due yet', async (t) => {
  t.same(dueWidenings(lastSeen, 100, after(59)), []);
});

t.test('when it is exactly one hour after last seen, 100 → 200 is due', async (t) => {
  t.same(dueWidenings(lastSeen, 100, after(60)), [{ fromKm: 100, toKm: 200, dueAt: after(60) }]);
});

t.test('when several steps are overdue after downtime, each comes as its own step, in order', async (t) => {
  t.same(
    dueWidenings(lastSeen, 100, after(200)).map((w) => [w.fromKm, w.toKm, w.dueAt.toISOString()]),
    [
      [100, 200, after(60).toISOString()],
      [200, 300, after(120).toISOString()],
      [300, 500, after(180).toISOString()],
    ],
  );
});

t.test('given 300 km already, only what remains is due', async (t) => {
  t.same(
    dueWidenings(lastSeen, 300, after(181)).map((w) => w.toKm),
    [500],
  );
});
