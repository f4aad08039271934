import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import { spec } from '@rapid-search/events/testing';
import { decideReport } from './alert.js';
import { KUNMING_110, sampleReport } from './fixtures.test-helper.js';
import { answerOf, intakeDecider, type IntakeCommand, type RecordedAnswer } from './intake.js';

const now = new Date('2026-11-22T12:00:00Z');
const HOSPITAL = { upstreamSystemId: 'up-kunming-childrens-hospital', source: 'hospital' as const };

/** A report of the sample child last seen `minutesAgo`, as intake takes it with the ids a new alert would get. */
const report = (minutesAgo = 30, prior: RecordedAnswer | null = null): IntakeCommand => ({
  alertId: 'a2',
  caseId: 'c2',
  report: sampleReport(now, minutesAgo),
  reporter: KUNMING_110,
  now,
  requestHash: 'hash-of-this-body',
  prior,
});

/** The events that opened alert `alertId` of the same child, last seen `minutesAgo`. */
const openedEarlier = (alertId: string, minutesAgo: number): DomainEvent[] =>
  decideReport({ alertId, caseId: `case-of-${alertId}`, report: sampleReport(now, minutesAgo), reporter: KUNMING_110, now });
const closedLater = (alertId: string): DomainEvent => ({
  type: 'AlertClosed',
  data: { alertId, caseId: `case-of-${alertId}`, reason: 'ChildRescued', closedAt: now.toISOString() },
});
const answered = (requestHash: string): RecordedAnswer => ({ requestHash, status: 201, answer: { alertId: 'a1', caseId: 'c1', status: 'open' } });

const intake = spec(intakeDecider);

t.test('given no alert of the child, when a report comes, then it opens the alert, the case and the quick search', async (t) => {
  intake(t)
    .given([])
    .when(report())
    .thenMatches([
      { type: 'MissingChildReported', data: { alertId: 'a2', caseId: 'c2', upstreamSystemId: 'up-kunming-110' } },
      { type: 'CaseOpened', data: { alertId: 'a2', caseId: 'c2', mechanism: 'homicide-case' } },
      { type: 'QuickSearchActivated', data: { alertId: 'a2', caseId: 'c2', radiusKm: 100 } },
    ]);
});

t.test('given an open alert of the child seen within 72 hours, when another system reports the child, then the report joins it', async (t) => {
  intake(t)
    .given(openedEarlier('a1', 60))
    .when({ ...report(), reporter: HOSPITAL })
    .then([
      {
        type: 'DuplicateReportLinked',
        data: {
          alertId: 'a1',
          caseId: 'case-of-a1',
          source: 'hospital',
          upstreamSystemId: HOSPITAL.upstreamSystemId,
          reportedAt: sampleReport(now).reportedAt,
          linkedAt: now.toISOString(),
        },
      },
    ]);
});

t.test('given two open alerts of the child within the window, when a report comes, then it joins the first opened', async (t) => {
  intake(t)
    .given([...openedEarlier('a1', 70 * 60), ...openedEarlier('a0', 30)])
    .when(report())
    .thenMatches([{ type: 'DuplicateReportLinked', data: { alertId: 'a1' } }]);
});

t.test(
  'given an open alert of the child seen more than 72 hours before this sighting, when a report comes, then it opens another alert',
  async (t) => {
    intake(t)
      .given(openedEarlier('a1', 73 * 60 + 30))
      .when(report())
      .thenMatches([{ type: 'MissingChildReported', data: { alertId: 'a2' } }, { type: 'CaseOpened' }, { type: 'QuickSearchActivated' }]);
  },
);

t.test('given the only alert of the child closed, when a report comes, then it opens a new alert', async (t) => {
  intake(t)
    .given([...openedEarlier('a1', 60), closedLater('a1')])
    .when(report())
    .thenMatches([{ type: 'MissingChildReported', data: { alertId: 'a2' } }, { type: 'CaseOpened' }, { type: 'QuickSearchActivated' }]);
});

t.test('given a report joined to an alert, when the alert is read back, then it counts the report at the next stream version', async (t) => {
  const joined = intake(t).given(openedEarlier('a1', 60)).when(report());
  joined.thenState({ open: [{ alertId: 'a1', version: 4, duplicateReports: 1, status: 'open' }] });
});

t.test('given a key answered for this body, when the same request comes again, then nothing is decided', async (t) => {
  intake(t)
    .given(openedEarlier('a1', 60))
    .when(report(30, answered('hash-of-this-body')))
    .thenNothingHappened();
});

t.test('given a key answered for another body, when it comes with this one, then it is IDEMPOTENCY_KEY_REUSED (409)', async (t) => {
  intake(t)
    .given([])
    .when(report(30, answered('hash-of-another-body')))
    .thenThrows({ code: 'IDEMPOTENCY_KEY_REUSED', status: 409 });
});

t.test('given an adult reported, when intake checks the report, then it is NOT_A_MINOR before any key or alert counts', async (t) => {
  const adult = report(30, answered('hash-of-this-body'));
  intake(t)
    .given(openedEarlier('a1', 60))
    .when({ ...adult, report: { ...adult.report, child: { ...adult.report.child, ageYears: 30 } } })
    .thenThrows('NOT_A_MINOR');
});

t.test('given each outcome, when it is answered, then a new alert is 201 and a joined one or a repeat is 200', async (t) => {
  const opened = report();
  t.same(answerOf(opened, intakeDecider.decide(opened, { open: [] })), {
    requestHash: 'hash-of-this-body',
    status: 201,
    answer: { alertId: 'a2', caseId: 'c2', status: 'open' },
  });
  const joined = intake(t).given(openedEarlier('a1', 60)).when(opened).events;
  t.same(answerOf(opened, joined).answer, { alertId: 'a1', caseId: 'case-of-a1', status: 'open', duplicateOf: 'a1' });
  t.equal(answerOf(opened, joined).status, 200);
  const repeat = report(30, answered('hash-of-this-body'));
  t.same(answerOf(repeat, []), { requestHash: 'hash-of-this-body', status: 200, answer: { alertId: 'a1', caseId: 'c1', status: 'open' } });
});
