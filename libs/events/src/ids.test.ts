import t from 'tap';
import { deriveId, newId } from './ids.js';

t.test('given the same parts, when an id is derived, then it is the id every earlier version derived', async (t) => {
  // Ids stored and published before: a redelivery must derive them again, byte for byte.
  t.equal(deriveId('InterceptionTaskAssigned', 'case-1', 'hub-1'), '58bee9c7-bea0-5312-adc8-1366f557bc92');
  t.equal(deriveId('alert', '110-kunming', 'key é 中文'), 'c1e12068-8c75-5347-88b8-01bab0619926');
});

t.test('given parts that join alike, when ids are derived, then they differ', async (t) => {
  t.not(deriveId('a', 'bc'), deriveId('ab', 'c'));
});

t.test('when a new id is made, then it is a UUID v7 that sorts after one made earlier', async (t) => {
  const first = newId();
  await new Promise((resolve) => setTimeout(resolve, 2));
  const second = newId();
  t.match(second, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.ok(first < second);
});
