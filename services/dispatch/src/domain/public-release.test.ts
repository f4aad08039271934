import t from 'tap';
import { releaseChange } from './public-release.js';

const reported = {
  type: 'MissingChildReported' as const,
  data: {
    alertId: 'alert-1',
    caseId: 'case-1',
    source: '110' as const,
    upstreamSystemId: 'up-110-kunming',
    reportedAt: '2026-11-22T10:00:00.000Z',
    child: { name: 'Li Xiaoming', sex: 'male' as const, ageYears: 6, description: 'red jacket' },
    lastSeen: { at: '2026-11-22T09:30:00.000Z', lat: 24.96, lon: 102.76, regionCode: '530111', address: 'Guandu market' },
    reporter: { name: 'Li Wei', phone: '13800000000', relation: 'father' },
  },
};

t.test('given a report, when its release is opened, then it holds the child and the place, and nothing of the reporter', async (t) => {
  const change = releaseChange(reported);
  t.match(change, {
    kind: 'opened',
    release: {
      caseId: 'case-1',
      child: { name: 'Li Xiaoming', ageYears: 6, description: 'red jacket' },
      lastSeen: { address: 'Guandu market' },
      radiusKm: null,
    },
  });
  t.notMatch(JSON.stringify(change), /Li Wei|13800000000|father/, 'no reporter');
});

t.test('given the quick search and a widening, then each sets the radius the release reaches', async (t) => {
  const lastSeen = { lat: 24.96, lon: 102.76, regionCode: '530111', at: '2026-11-22T09:30:00.000Z' };
  t.same(
    releaseChange({
      type: 'QuickSearchActivated',
      data: { caseId: 'case-1', alertId: 'alert-1', lastSeen, radiusKm: 100, activatedAt: lastSeen.at },
    }),
    {
      kind: 'radius',
      caseId: 'case-1',
      radiusKm: 100,
    },
  );
  t.match(
    releaseChange({
      type: 'PublicReleaseRadiusWidened',
      data: { caseId: 'case-1', alertId: 'alert-1', center: lastSeen, fromKm: 100, toKm: 200, dueAt: lastSeen.at },
    }),
    { kind: 'radius', radiusKm: 200 },
  );
});

t.test('given the alert closes, then the release says when and why', async (t) => {
  t.same(
    releaseChange({ type: 'AlertClosed', data: { caseId: 'case-1', alertId: 'alert-1', reason: 'withdrawn', closedAt: '2026-11-22T11:00:00.000Z' } }),
    {
      kind: 'closed',
      caseId: 'case-1',
      at: '2026-11-22T11:00:00.000Z',
      reason: 'withdrawn',
    },
  );
});

t.test('given a confirmed sighting, then the release moves its last seen there', async (t) => {
  const lastSeen = { lat: 25.5, lon: 103.79, regionCode: '530302', at: '2026-11-22T10:30:00.000Z', address: 'Qujing station' };
  t.same(
    releaseChange({
      type: 'SightingConfirmed',
      data: {
        caseId: 'case-1',
        alertId: 'alert-1',
        tipId: 'tip-1',
        taskId: 'lead-1',
        lastSeen,
        previousLastSeen: { lat: 24.96, lon: 102.76, regionCode: '530111', at: '2026-11-22T09:30:00.000Z' },
        radiusKm: 100,
        confirmedAt: '2026-11-22T10:40:00.000Z',
      },
    }),
    { kind: 'moved', caseId: 'case-1', lastSeen },
  );
});
