import { eventStoreMigrations, migrate } from '@rapid-search/events';
import { createTestDatabase } from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import type { ReleaseChange } from '../domain/public-release.js';
import { projectionMigrations } from './migrations.js';
import { applyReleaseChanges, type MarkedChange } from './releases.js';

const db = await createTestDatabase('dispatch_releases_projection');
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
await migrate(pool, 'dispatch', [...eventStoreMigrations('dispatch'), ...projectionMigrations]);
t.teardown(async () => {
  await pool.end();
  await db.drop();
});

const place = (at: string) => ({ lat: 24.96, lon: 102.76, regionCode: '530111', at, address: `seen ${at}` });
/** A case's changes, in the order its events were published. */
const story = (caseId: string): ReleaseChange[] => [
  // A sighting read before its report, earlier than the report's last seen: the report keeps it.
  { kind: 'moved', caseId, lastSeen: place('2026-11-22T09:00:00.000Z') },
  {
    kind: 'opened',
    release: {
      caseId,
      alertId: `alert-${caseId}`,
      child: { name: 'pd1.k.iv.ct', sex: 'male', ageYears: 6 },
      lastSeen: place('2026-11-22T09:30:00.000Z'),
      radiusKm: null,
      closed: null,
    },
  },
  { kind: 'radius', caseId, radiusKm: 3 },
  { kind: 'radius', caseId, radiusKm: 20 },
  { kind: 'radius', caseId, radiusKm: 5 },
  { kind: 'moved', caseId, lastSeen: place('2026-11-22T08:00:00.000Z') },
  { kind: 'closed', caseId, at: '2026-11-22T11:00:00.000Z', reason: 'found' },
  { kind: 'closed', caseId, at: '2026-11-22T12:00:00.000Z', reason: 'withdrawn' },
];
const marked = (changes: ReleaseChange[], exercise = false): MarkedChange[] => changes.map((change) => ({ change, exercise }));
const rowOf = async (caseId: string) => {
  const { rows } = await pool.query('SELECT alert_id, child, last_seen, radius_km, closed, exercise FROM dispatch.releases WHERE case_id = $1', [
    caseId,
  ]);
  return rows[0] as Record<string, unknown> | undefined;
};

t.test('given a case’s changes in one chunk, when they are applied together, then the release is what they make one by one', async (t) => {
  for (const change of story('case-alone')) await applyReleaseChanges(pool, 'dispatch', marked([change]));
  await applyReleaseChanges(pool, 'dispatch', marked([...story('case-a'), ...story('case-b')]));
  const alone = await rowOf('case-alone');
  t.match(alone, { radius_km: 20, last_seen: { at: '2026-11-22T09:00:00.000Z' }, closed: { reason: 'found' }, exercise: false });
  t.same({ ...(await rowOf('case-a')), alert_id: 'alert-case-alone' }, alone);
  t.same({ ...(await rowOf('case-b')), alert_id: 'alert-case-alone' }, alone);
});

t.test('given a chunk applied before, when it is delivered again, then the release does not change', async (t) => {
  const chunk = marked(story('case-again'), true);
  await applyReleaseChanges(pool, 'dispatch', chunk);
  const first = await rowOf('case-again');
  await applyReleaseChanges(pool, 'dispatch', chunk);
  t.same(await rowOf('case-again'), first);
  t.match(first, { exercise: true, radius_km: 20 });
});
