import { checkRoleMatrix } from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import { startHarness } from './harness.js';

const h = await startHarness('dispatch_matrix');
const pool = new pg.Pool({ connectionString: h.db.url, max: 2 });
t.teardown(async () => {
  await pool.end();
  await h.close();
});

await checkRoleMatrix(t, h.service.app, {
  tokenFor: (role) => h.token(role, role === 'console' ? 'cc-kunming' : undefined),
  stored: async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM dispatch.events')).rows[0]!.n),
});
