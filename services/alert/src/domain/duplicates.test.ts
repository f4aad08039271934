import { randomBytes } from 'node:crypto';
import { blindIndex } from '@rapid-search/events';
import t from 'tap';
import { duplicateKey } from './duplicates.js';
import { sampleReport } from './fixtures.test-helper.js';

const now = new Date('2026-11-22T12:00:00Z');
const base = sampleReport(now);
const withChild = (child: Partial<typeof base.child>) => ({ ...base, child: { ...base.child, ...child } });
const indexKey = randomBytes(32);
const index = (value: string) => blindIndex(indexKey, value);
const keyOf = (report: typeof base) => duplicateKey(report, index);

t.test('given two reports of one name, age and region, when keyed, then they are one child whatever the spacing or case of the name', async (t) => {
  t.equal(keyOf(withChild({ name: ' zhang  xiaoyu (张小雨) ' })), keyOf(base));
});

t.test('given a different age, name or region, when keyed, then it is another child', async (t) => {
  t.not(keyOf(withChild({ ageYears: 5 })), keyOf(base));
  t.not(keyOf(withChild({ name: 'Li Lei' })), keyOf(base));
  t.not(keyOf({ ...base, lastSeen: { ...base.lastSeen, regionCode: '530112' } }), keyOf(base));
});

t.test('given a date of birth, when keyed, then the date of birth decides, not the age', async (t) => {
  t.equal(keyOf(withChild({ dateOfBirth: '2021-02-18', ageYears: 4 })), keyOf(withChild({ dateOfBirth: '2021-02-18', ageYears: 5 })));
  t.not(keyOf(withChild({ dateOfBirth: '2021-02-18' })), keyOf(withChild({ dateOfBirth: '2021-02-19' })));
});

t.test('given a report, when keyed, then the key holds no trace of the name and is the blind index of the child alone', async (t) => {
  const key = keyOf(base);
  t.notOk(key.toLowerCase().includes('zhang'), 'no trace of the name');
  t.not(
    duplicateKey(base, (value) => blindIndex(randomBytes(32), value)),
    key,
    'another index key gives another key: without it, no guess can be tried',
  );
});

t.test('given a real report and a drill of the same child, when keyed, then they are two children: neither joins the other', async (t) => {
  t.not(keyOf({ ...base, exercise: true }), keyOf(base));
  t.equal(keyOf({ ...base, exercise: false }), keyOf(base));
});
