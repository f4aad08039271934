import { ValidationError } from '@rapid-search/events';
import t from 'tap';
import { AlertReportBody } from './report.js';
import { checkReport, isAdultOn } from './rules.js';
import { sampleReport } from './fixtures.test-helper.js';

const now = new Date('2026-11-22T12:00:00Z');

function issuePaths(fn: () => void): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => i.path);
    throw error;
  }
  return [];
}

t.test('given a plausible report, it passes', async (t) => {
  t.doesNotThrow(() => checkReport(sampleReport(now), now));
});

t.test('when reportedAt is more than five minutes ahead, it is refused naming reportedAt', async (t) => {
  const report = sampleReport(now, 30, { reportedAt: new Date(now.getTime() + 6 * 60_000).toISOString() });
  t.same(
    issuePaths(() => checkReport(report, now)),
    ['body.reportedAt'],
  );
});

t.test('when reportedAt is within the five-minute clock skew, it is believed', async (t) => {
  const report = sampleReport(now, 30, { reportedAt: new Date(now.getTime() + 4 * 60_000).toISOString() });
  t.doesNotThrow(() => checkReport(report, now));
});

t.test('when last seen is after the report time, it is refused naming lastSeen.at', async (t) => {
  const base = sampleReport(now, 0);
  const report = { ...base, reportedAt: new Date(now.getTime() - 10 * 60_000).toISOString() };
  t.same(
    issuePaths(() => checkReport(report, now)),
    ['body.lastSeen.at'],
  );
});

t.test('when last seen lies in the future, both time rules name lastSeen.at', async (t) => {
  const base = sampleReport(now);
  const report = { ...base, lastSeen: { ...base.lastSeen, at: new Date(now.getTime() + 3600_000).toISOString() } };
  t.same(
    issuePaths(() => checkReport(report, now)),
    ['body.lastSeen.at', 'body.lastSeen.at'],
  );
});

t.test('when neither age nor date of birth is given, the age is required', async (t) => {
  const base = sampleReport(now);
  const report = { ...base, child: { name: base.child.name, sex: base.child.sex } };
  t.same(
    issuePaths(() => checkReport(report, now)),
    ['body.child.ageYears'],
  );
});

t.test('when the date of birth is after the last sighting, it is refused', async (t) => {
  const base = sampleReport(now);
  const report = { ...base, child: { ...base.child, dateOfBirth: '2027-01-01' } };
  t.same(
    issuePaths(() => checkReport(report, now)),
    ['body.child.dateOfBirth'],
  );
});

t.test('when the age is 18, it is NOT_A_MINOR (422)', async (t) => {
  const base = sampleReport(now);
  const report = { ...base, child: { ...base.child, ageYears: 18 } };
  t.throws(() => checkReport(report, now), { code: 'NOT_A_MINOR', status: 422 });
});

t.test('when the date of birth makes the person 18 by the day last seen, it is NOT_A_MINOR', async (t) => {
  const base = sampleReport(now);
  const report = { ...base, child: { name: base.child.name, sex: base.child.sex, dateOfBirth: '2008-11-22' } };
  t.throws(() => checkReport(report, now), { code: 'NOT_A_MINOR' });
});

t.test("the eighteenth birthday counts on the calendar day in the sighting's own offset", async (t) => {
  t.equal(isAdultOn('2008-05-03', '2026-05-02T23:59:00+08:00'), false);
  t.equal(isAdultOn('2008-05-03', '2026-05-03T00:01:00+08:00'), true);
  t.equal(isAdultOn('2008-02-29', '2026-02-28T12:00:00Z'), false);
  t.equal(isAdultOn('2008-02-29', '2026-03-01T12:00:00Z'), true);
});

t.test('a 17-year-old is a minor', async (t) => {
  const base = sampleReport(now);
  t.doesNotThrow(() => checkReport({ ...base, child: { ...base.child, ageYears: 17 } }, now));
});

t.test('phone numbers: mainland mobiles and landlines with area code pass, others are refused', async (t) => {
  const phone = (p: string): boolean =>
    AlertReportBody.safeParse({ ...sampleReport(now), reporter: { name: 'x', phone: p, relation: 'mother' } }).success;
  for (const ok of ['13812345678', '+8613812345678', '+86 19912345678', '0871-63123456', '087163123456', '010-12345678']) {
    t.ok(phone(ok), ok);
  }
  for (const bad of ['12812345678', '1381234567', '138123456789', '63123456', 'call me', '+1 415 555 0100', '']) {
    t.notOk(phone(bad), bad);
  }
});

t.test('coordinates out of range and a region code that is not six digits are named by path', async (t) => {
  const base = sampleReport(now);
  const result = AlertReportBody.safeParse({ ...base, lastSeen: { ...base.lastSeen, lat: 91, lon: -181, regionCode: '5301' } });
  t.notOk(result.success);
  t.same(result.error?.issues.map((i) => i.path.join('.')).sort(), ['lastSeen.lat', 'lastSeen.lon', 'lastSeen.regionCode']);
});
