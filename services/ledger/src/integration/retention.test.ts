import { PgEventStore } from '@rapid-search/events';
import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import { executeCommand } from '../case-store.js';
import { startHarness } from './harness.js';

/** About 1.7 seconds after closure. */
const h = await startHarness('ledger_retention', { LEDGER_PERSONAL_DATA_RETENTION_DAYS: '0.00002' });
t.teardown(() => h.close());

const officer = await h.token({ role: 'officer', officerId: 'officer-kunming-chen-gang' });
const call = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
  const res = await h.service.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${officer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: res.json<Record<string, any>>() };
};
const now = () => new Date().toISOString();
const erasures = async (caseId: string) =>
  (await h.pool.query("SELECT data FROM ledger.events WHERE case_id = $1 AND type = 'PersonalDataErased'", [caseId])).rows;
const keyOf = async (caseId: string) =>
  (await h.pool.query<{ erased: boolean }>('SELECT wrapped IS NULL AS erased FROM keyring.data_keys WHERE subject = $1', [caseId])).rows[0];

/** An open case whose parents are identified: its DNA reference sealed under its key. */
async function openCase(caseId: string): Promise<void> {
  await h.publish('alert', 'CaseOpened', caseId, {
    caseId,
    alertId: `alert-${caseId}`,
    regionCode: '530111',
    mechanism: 'homicide-case',
    openedAt: now(),
  });
  await eventually(async () => {
    if ((await call('GET', `/v1/cases/${caseId}`)).status !== 200) throw new Error(`case ${caseId} not open yet`);
  }, 20000);
  if ((await call('POST', `/v1/cases/${caseId}/parents-identified`, { evidenceRef: `evidence-${caseId}` })).status !== 200)
    throw new Error('not identified');
}

t.test('given a solved case and an open one, when the retention period after closure runs out, then only the solved one is erased', async (t) => {
  await openCase('case-retained-solved');
  await openCase('case-retained-open');
  t.equal((await call('POST', '/v1/cases/case-retained-solved/solve', { summary: 'traffickers arrested' })).status, 200);
  // Recorded first, then the key destroyed: the erasure is done once the field reads so.
  const file = await eventually(async () => {
    const body = (await call('GET', '/v1/cases/case-retained-solved')).body;
    if (body.parents.evidenceRef !== '[erased]') throw new Error('not erased yet');
    return body;
  }, 20000);
  t.match(file, { erasedAt: String });
  t.match(await erasures('case-retained-solved'), [{ data: { by: 'retention', why: 'retention' } }]);
  t.match(await keyOf('case-retained-solved'), { erased: true });
  t.match(await keyOf('case-retained-open'), { erased: false }, 'an open case keeps its data');
  t.equal((await call('GET', '/v1/cases/case-retained-open')).body.parents.evidenceRef, 'evidence-case-retained-open');
});

t.test(
  'given an erasure on record whose key was not destroyed (a crash between the two), when the sweep runs, then it destroys the key',
  async (t) => {
    const caseId = 'case-erasure-interrupted';
    await openCase(caseId);
    t.equal((await call('POST', `/v1/cases/${caseId}/solve`, { summary: 'traffickers arrested' })).status, 200);
    const store = new PgEventStore(h.pool, 'ledger', h.personal);
    const actor = {
      id: 'officer-kunming-dp',
      role: 'officer',
      grants: ['data-protection'],
      unit: { id: 'cc-kunming', regionCode: '530100' },
    } as const;
    await executeCommand(
      store,
      { kind: 'ErasePersonalData', why: 'request', caseId, actor, at: now() },
      { correlationId: caseId, causationId: null },
    );
    await eventually(async () => {
      if (!(await keyOf(caseId))?.erased) throw new Error('key not destroyed yet');
    }, 20000);
    t.match(await erasures(caseId), [{ data: { by: 'officer-kunming-dp', why: 'request' } }], 'finished, not erased a second time');
    t.equal((await call('GET', `/v1/cases/${caseId}`)).body.parents.evidenceRef, '[erased]');
  },
);
