import t from 'tap';
import { regionContains } from './regions.js';

t.test('given a county case, when units of each level ask, then the county, its city, its province and the Ministry hold it', async (t) => {
  for (const unit of ['530102', '530100', '530000', '100000']) t.ok(regionContains(unit, '530102'), unit);
});

t.test('given a county case, when a neighbouring county, another city or another province asks, then none holds it', async (t) => {
  for (const unit of ['530103', '530300', '610000', '610100']) t.notOk(regionContains(unit, '530102'), unit);
});

t.test('given a city case, when a county of that city asks, then it does not hold it', async (t) => {
  t.notOk(regionContains('530102', '530100'));
});
