import t from 'tap';
import { directory, GUANDU_POINT } from './fixtures.test-helper.js';

t.test('jurisdiction: the most specific center, falling back to prefecture, province, nation', async (t) => {
  t.equal(directory.centerForRegion('530111').id, 'cc-kunming-guandu', 'own region code');
  t.equal(directory.centerForRegion('530124').id, 'cc-kunming', 'listed county of a city without a center');
  t.equal(directory.centerForRegion('530181').id, 'cc-kunming', 'unlisted county falls back to its prefecture');
  t.equal(directory.centerForRegion('530322').id, 'cc-yunnan', 'prefecture listed by the province');
  t.equal(directory.centerForRegion('532901').id, 'cc-yunnan', 'unlisted prefecture falls back to the province');
  t.equal(directory.centerForRegion('440305').id, 'cc-mps-cid', 'no province center: the nation');
  t.equal(directory.centerForRegion('110101').id, 'cc-mps-cid', 'province listed by the nation');
});

t.test('the chain of command goes up to the nation and stops', async (t) => {
  t.equal(directory.parentOf('cc-kunming-guandu')?.id, 'cc-kunming');
  t.equal(directory.parentOf('cc-kunming')?.id, 'cc-yunnan');
  t.equal(directory.parentOf('cc-yunnan')?.id, 'cc-mps-cid');
  t.equal(directory.parentOf('cc-mps-cid'), null);
});

t.test('hubs within a radius, nearest first', async (t) => {
  t.same(
    directory.hubsWithin(GUANDU_POINT, 10).map((h) => h.hub.id),
    ['hub-station'],
  );
  t.same(
    directory.hubsWithin(GUANDU_POINT, 100).map((h) => h.hub.id),
    ['hub-station', 'hub-airport'],
  );
  t.same(
    directory.hubsWithin(GUANDU_POINT, 200).map((h) => h.hub.id),
    ['hub-station', 'hub-airport', 'hub-qujing'],
  );
  t.same(directory.hubsWithin(GUANDU_POINT, 1), []);
});

t.test('given a county and its city, then the county answers for its own hubs and the city for its counties’ too', async (t) => {
  const guandu = directory.hubsOf('cc-kunming-guandu');
  t.ok(guandu.length > 0 && guandu.every((h) => h.commandCenterId === 'cc-kunming-guandu'));
  const kunming = directory.hubsOf('cc-kunming').map((h) => h.id);
  t.ok(
    guandu.every((h) => kunming.includes(h.id)),
    'the city sees the county’s hubs',
  );
  t.ok(directory.hubsOf('cc-kunming-chenggong').every((h) => kunming.includes(h.id)));
  t.same(directory.hubsOf('cc-nowhere'), []);
});

t.test('given a point, when the nearest local centre is asked, then it is the nearest of the lowest level', async (t) => {
  t.equal(directory.nearestLocalCenter({ lat: 40, lon: 116 }).id, 'cc-kunming-guandu', 'the only county centre, however far');
});
