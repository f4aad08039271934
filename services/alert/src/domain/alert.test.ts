import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import { decideClose, decideLink, decideReport, decideWidening, emptyAlert, evolve, type AlertState } from './alert.js';
import { KUNMING_110, sampleReport } from './testing.js';

const now = new Date('2026-11-22T12:00:00Z');
const given = (events: DomainEvent[]): AlertState => events.reduce(evolve, emptyAlert('a1'));
const opened = (minutesAgo = 30): DomainEvent[] =>
  decideReport({ alertId: 'a1', caseId: 'c1', report: sampleReport(now, minutesAgo), reporter: KUNMING_110, now });

t.test('when a report is accepted, it opens the alert, the case and the quick search at 100 km', async (t) => {
  const events = opened();
  t.same(events.map((e) => e.type), ['MissingChildReported', 'CaseOpened', 'QuickSearchActivated']);
  t.ok(events.every((e) => e.data.caseId === 'c1' && 'alertId' in e.data && e.data.alertId === 'a1'), 'every event carries the case and alert');
  const quick = events[2]!;
  t.equal(quick.type === 'QuickSearchActivated' && quick.data.radiusKm, 100);
  const caseOpened = events[1]!;
  t.equal(caseOpened.type === 'CaseOpened' && caseOpened.data.mechanism, 'homicide-case');
});

t.test('when an adult is reported, nothing is decided', async (t) => {
  const report = sampleReport(now);
  t.throws(
    () => decideReport({ alertId: 'a1', caseId: 'c1', report: { ...report, child: { ...report.child, ageYears: 30 } }, reporter: KUNMING_110, now }),
    { code: 'NOT_A_MINOR' },
  );
});

t.test('given an open alert at 100 km last seen 30 minutes ago, no widening is due', async (t) => {
  t.same(decideWidening(given(opened(30)), now), []);
});

t.test('given an open alert at 100 km last seen 61 minutes ago, it widens to 200 km', async (t) => {
  const [widened] = decideWidening(given(opened(61)), now);
  t.match(widened, { type: 'PublicReleaseRadiusWidened', data: { fromKm: 100, toKm: 200, caseId: 'c1', center: { lat: 24.96, lon: 102.76 } } });
});

t.test('given the alert already widened to 200 km, at 2h30 only 200 → 300 is due', async (t) => {
  const state = given(opened(150));
  const first = decideWidening(state, new Date(now.getTime() - 80 * 60_000));
  t.same(first.map((e) => e.data.toKm), [200]);
  t.same(decideWidening(given([...opened(150), ...first]), now).map((e) => [e.data.fromKm, e.data.toKm]), [[200, 300]]);
});

t.test('given a closed alert, it never widens again', async (t) => {
  const state = given(opened(300));
  const closed = given([...opened(300), ...decideClose(state, 'ChildRescued', now)]);
  t.equal(closed.status, 'closed');
  t.same(decideWidening(closed, now), []);
});

t.test('given a closed alert, closing again decides nothing', async (t) => {
  const state = given([...opened(), ...decideClose(given(opened()), 'ChildRescued', now)]);
  t.same(decideClose(state, 'ChildReturnedToParents', now), []);
});

t.test('given an open alert, a second report links to it with the second source', async (t) => {
  const hospital = { upstreamSystemId: 'up-kunming-childrens-hospital', source: 'hospital' as const };
  const [linked] = decideLink(given(opened()), sampleReport(now), hospital, now);
  t.match(linked, { type: 'DuplicateReportLinked', data: { alertId: 'a1', caseId: 'c1', source: 'hospital', upstreamSystemId: hospital.upstreamSystemId } });
});

t.test('the state tracks the stream version of every event', async (t) => {
  t.equal(given(opened()).version, 3);
});
