import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { alertDecider, decideReport, type AlertCommand, type ReportCommand } from './alert.js';
import { KUNMING_110, sampleReport } from './fixtures.test-helper.js';

const now = new Date('2026-11-22T12:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const report = (minutesAgo = 30): ReportCommand => ({
  alertId: 'a1',
  caseId: 'c1',
  report: sampleReport(now, minutesAgo),
  reporter: KUNMING_110,
  now,
});
/** The events a report last seen `minutesAgo` opens the alert with (intake.test.ts pins them down). */
const opened = (minutesAgo = 30): DomainEvent[] => decideReport(report(minutesAgo));
const widen = (at = now): AlertCommand => ({ kind: 'Widen', now: at });
const close = (reason: string): AlertCommand => ({ kind: 'Close', reason, now });
const alert = spec(alertDecider('a1'));

t.test('given an open alert at 100 km last seen 30 minutes ago, when the scheduler looks, then no widening is due', async (t) => {
  alert(t).given(opened(30)).when(widen()).thenNothingHappened();
});

t.test('given an open alert at 100 km last seen 61 minutes ago, when the scheduler looks, then it widens to 200 km', async (t) => {
  alert(t)
    .given(opened(61))
    .when(widen())
    .thenMatches([{ type: 'PublicReleaseRadiusWidened', data: { fromKm: 100, toKm: 200, caseId: 'c1', center: { lat: 24.96, lon: 102.76 } } }]);
});

t.test('given the alert already widened to 200 km, when it is 2h30 since last seen, then only 200 → 300 is due', async (t) => {
  const first = alert(t)
    .given(opened(150))
    .when(widen(minutes(-80)));
  first.thenMatches([{ data: { toKm: 200 } }]);
  alert(t)
    .given([...opened(150), ...first.events])
    .when(widen())
    .thenMatches([{ data: { fromKm: 200, toKm: 300 } }]);
});

t.test('given a closed alert, when the scheduler looks, then it never widens again', async (t) => {
  const closing = alert(t).given(opened(300)).when(close('ChildRescued'));
  closing.thenState({ status: 'closed' });
  alert(t)
    .given([...opened(300), ...closing.events])
    .when(widen())
    .thenNothingHappened();
});

t.test('given a closed alert, when it is closed again, then nothing is decided', async (t) => {
  const closed = alert(t).given(opened()).when(close('ChildRescued')).events;
  alert(t)
    .given([...opened(), ...closed])
    .when(close('ChildReturnedToParents'))
    .thenNothingHappened();
});

t.test('given the three events that open an alert, when it closes, then the state is at the fourth stream version', async (t) => {
  alert(t)
    .given(opened())
    .when(close('ChildRescued'))
    .thenState({ version: 4, closed: { at: now.toISOString(), reason: 'ChildRescued' } });
});

const tipSeen = (minutesFromNow: number, place: { lat: number; lon: number; regionCode?: string } = { lat: 25.5, lon: 103.79 }) => ({
  tipId: 'tip-1',
  alertId: 'a1',
  caseId: 'c1',
  seenAt: minutes(minutesFromNow).toISOString(),
  place,
  description: 'seen at Qujing station',
  via: { channel: 'public' as const },
  receivedAt: now.toISOString(),
});
const confirm = (tip: ReturnType<typeof tipSeen>, at = now): AlertCommand => ({ kind: 'ConfirmSighting', tip, taskId: 'lead-1', now: at });

t.test('given an open alert, when a later sighting is confirmed, then last seen moves to it at the same radius', async (t) => {
  alert(t)
    .given(opened(30))
    .when(confirm(tipSeen(-5)))
    .thenMatches([
      {
        type: 'SightingConfirmed',
        data: { tipId: 'tip-1', lastSeen: { lat: 25.5, lon: 103.79, regionCode: '530111', at: minutes(-5).toISOString() }, radiusKm: 100 },
      },
    ]);
});

t.test('given a sighting confirmed 5 minutes ago, when the scheduler looks 61 minutes after the first last seen, then nothing is due', async (t) => {
  const moved = alert(t)
    .given(opened(30))
    .when(confirm(tipSeen(-5))).events;
  alert(t)
    .given([...opened(30), ...moved])
    .when(widen(minutes(31)))
    .thenNothingHappened('the schedule counts from the sighting');
  alert(t)
    .given([...opened(30), ...moved])
    .when(widen(minutes(56)))
    .thenMatches([{ type: 'PublicReleaseRadiusWidened', data: { toKm: 200, center: { lat: 25.5, lon: 103.79 } } }], 'an hour after it, around it');
});

t.test('given an open alert, when a sighting earlier than its last seen is confirmed, then nothing moves', async (t) => {
  alert(t)
    .given(opened(30))
    .when(confirm(tipSeen(-40)))
    .thenNothingHappened();
});

t.test('given a closed alert, when a sighting is confirmed, then nothing moves', async (t) => {
  alert(t)
    .given([...opened(30), ...alert(t).given(opened(30)).when(close('ChildRescued')).events])
    .when(confirm(tipSeen(-5)))
    .thenNothingHappened();
});
