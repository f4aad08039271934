import { checkRoleMatrix } from '@rapid-search/events/testing';
import t from 'tap';
import { startHarness } from './harness.js';

const h = await startHarness('ledger_matrix');
t.teardown(() => h.close());

await checkRoleMatrix(t, h.service.app, {
  tokenFor: (role) => h.token({ role, ...(role === 'console' ? { commandCenterId: 'cc-kunming' } : {}) }),
  stored: async () => Number((await h.pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger.events')).rows[0]!.n),
});
