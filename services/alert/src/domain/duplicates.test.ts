import t from 'tap';
import { duplicateKey } from './duplicates.js';
import { sampleReport } from './fixtures.test-helper.js';

const now = new Date('2026-11-22T12:00:00Z');
const base = sampleReport(now);
const withChild = (child: Partial<typeof base.child>) => ({ ...base, child: { ...base.child, ...child } });

t.test('the same name, age and region is the same child, whatever the spacing or case of the name', async (t) => {
  t.equal(duplicateKey(withChild({ name: ' zhang  xiaoyu (张小雨) ' })), duplicateKey(base));
});

t.test('a different age, name or region is another child', async (t) => {
  t.not(duplicateKey(withChild({ ageYears: 5 })), duplicateKey(base));
  t.not(duplicateKey(withChild({ name: 'Li Lei' })), duplicateKey(base));
  t.not(duplicateKey({ ...base, lastSeen: { ...base.lastSeen, regionCode: '530112' } }), duplicateKey(base));
});

t.test('with a date of birth, the date of birth decides, not the age', async (t) => {
  t.equal(duplicateKey(withChild({ dateOfBirth: '2021-02-18', ageYears: 4 })), duplicateKey(withChild({ dateOfBirth: '2021-02-18', ageYears: 5 })));
  t.not(duplicateKey(withChild({ dateOfBirth: '2021-02-18' })), duplicateKey(withChild({ dateOfBirth: '2021-02-19' })));
});

t.test('the key holds no trace of the name in clear', async (t) => {
  t.match(duplicateKey(base), /^[0-9a-f]{64}$/);
});

t.test('given a real report and a drill of the same child, when keyed, then they are two children: neither joins the other', async (t) => {
  t.not(duplicateKey({ ...base, exercise: true }), duplicateKey(base));
  t.equal(duplicateKey({ ...base, exercise: false }), duplicateKey(base));
});
