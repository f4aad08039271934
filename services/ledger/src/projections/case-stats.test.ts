import type { DomainEvent } from '@rapid-search/events';
import t from 'tap';
import { emptyStats, evolveStats, learnedLatencies, type CaseStats, type StatsInput } from './case-stats.js';

const caseId = 'case-km-0601';
const alertId = `alert-${caseId}`;
const REPORTED = '2026-05-01T08:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(REPORTED) + seconds * 1000).toISOString();

const reported = (reportedAt = REPORTED): DomainEvent => ({
  type: 'MissingChildReported',
  data: {
    alertId,
    caseId,
    source: '110',
    upstreamSystemId: 'up-kunming-110',
    reportedAt,
    child: { name: 'Zhang Xiaoyu', sex: 'female' },
    lastSeen: { at: REPORTED, lat: 24.96, lon: 102.76, regionCode: '530111' },
    reporter: { name: 'Liu Fang', phone: '13812345678', relation: 'mother' },
  },
});
const activated = (seconds: number): DomainEvent => ({
  type: 'QuickSearchActivated',
  data: { caseId, alertId, lastSeen: { lat: 24.96, lon: 102.76, regionCode: '530111', at: REPORTED }, radiusKm: 100, activatedAt: later(seconds) },
});
const acknowledged = (seconds: number): DomainEvent => ({
  type: 'TaskAcknowledged',
  data: { taskId: `task-${seconds}`, caseId, commandCenterId: 'cc-kunming', acknowledgedBy: 'officer-1', acknowledgedAt: later(seconds) },
});
const rescued = (seconds: number): DomainEvent => ({
  type: 'ChildRescued',
  data: { caseId, foundAt: { lat: 25.07, lon: 103.74, regionCode: '530322' }, rescuedAt: later(seconds) },
});
const returned = (seconds: number): DomainEvent => ({ type: 'ChildReturnedToParents', data: { caseId, returnedAt: later(seconds) } });
const closed = (reason: string, seconds: number): DomainEvent => ({
  type: 'AlertClosed',
  data: { caseId, alertId, reason, closedAt: later(seconds) },
});
const duplicate: DomainEvent = {
  type: 'DuplicateReportLinked',
  data: { caseId, alertId, source: 'tuanyuan', upstreamSystemId: 'up-tuanyuan', reportedAt: later(60), linkedAt: later(61) },
};

let ids = 0;
const input = (event: DomainEvent, options: { exercise?: boolean; eventId?: string } = {}): StatsInput => ({
  event,
  eventId: options.eventId ?? `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  exercise: options.exercise ?? false,
});
const fold = (inputs: readonly StatsInput[], from: CaseStats = emptyStats(caseId)): CaseStats => inputs.reduce(evolveStats, from);

t.test('given a report, when the quick search activates and a task is acknowledged, then the row holds when and where, not who', async (t) => {
  const row = fold([input(reported()), input(activated(90)), input(acknowledged(600))]);
  t.match(row, {
    regionCode: '530111',
    reportedAt: new Date(REPORTED),
    exercise: false,
    firstCapAlertAt: new Date(later(90)),
    firstAckAt: new Date(later(600)),
  });
  t.notMatch(JSON.stringify(row), /Zhang|Liu Fang|1381/, 'nothing of the child or the reporter');
});

t.test('given an acknowledgement, when an earlier one arrives after it, then the first is the earliest', async (t) => {
  const row = fold([input(reported()), input(acknowledged(900)), input(acknowledged(300))]);
  t.same(row.firstAckAt, new Date(later(300)));
});

t.test('given a rescue, when the child is later returned to the parents, then found is the rescue', async (t) => {
  t.same(fold([input(reported()), input(rescued(3600)), input(returned(7200))]).foundAt, new Date(later(3600)));
  t.same(fold([input(reported()), input(returned(7200))]).foundAt, new Date(later(7200)), 'a return without a rescue is a find too');
});

t.test('given an alert, when it closes withdrawn, then the report is withdrawn; when it closes for a find, then it is not', async (t) => {
  t.same(fold([input(reported()), input(closed('withdrawn', 120))]).withdrawnAt, new Date(later(120)));
  t.equal(fold([input(reported()), input(closed('ChildRescued', 120))]).withdrawnAt, null);
});

t.test('given a duplicate report linked, when it is delivered again, then it counts once', async (t) => {
  const again = input(duplicate);
  t.equal(fold([input(reported()), again, again, input(duplicate)]).duplicateReports.length, 2, 'two distinct reports, one of them twice');
});

t.test('given a drill report, when its events arrive, then the row is a drill and teaches no latency', async (t) => {
  const drill = fold([input(reported(), { exercise: true })]);
  t.equal(drill.exercise, true);
  const after = evolveStats(drill, input(activated(30), { exercise: true }));
  t.same(learnedLatencies(drill, after), {});
});

t.test('given a real report, when the quick search activates, then the latency is learned once however often it is delivered', async (t) => {
  const before = fold([input(reported())]);
  const activation = input(activated(90));
  const after = evolveStats(before, activation);
  t.same(learnedLatencies(before, after), { reportToFirstCapAlertSeconds: 90 });
  t.same(learnedLatencies(after, evolveStats(after, activation)), {}, 'the redelivery teaches nothing');
  t.same(learnedLatencies(after, evolveStats(after, input(activated(30)))), {}, 'nor does an earlier activation arriving late');
});

t.test('given an acknowledgement before its report arrives, when the report arrives, then the latency is learned then', async (t) => {
  const before = fold([input(acknowledged(240))]);
  t.same(learnedLatencies(emptyStats(caseId), before), {}, 'no report, no latency');
  t.same(learnedLatencies(before, evolveStats(before, input(reported()))), { reportToFirstAckSeconds: 240 });
});
