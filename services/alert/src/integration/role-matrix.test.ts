import { createTestDatabase, checkRoleMatrix, requireKafka, testTopicPrefix } from '@rapid-search/events/testing';
import pg from 'pg';
import t from 'tap';
import { startService, token } from './harness.js';

await requireKafka();
const db = await createTestDatabase('alert_matrix');
const { service } = await startService({ databaseUrl: db.url, topicPrefix: testTopicPrefix() });
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
t.teardown(async () => {
  await service.close();
  await pool.end();
  await db.drop();
});

await checkRoleMatrix(t, service.app, {
  tokenFor: (role) => token({ sub: `${role}-matrix`, role, ...(role === 'upstream' ? { upstreamSystemId: 'up-kunming-110' } : {}) }),
  stored: async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM alert.events')).rows[0]!.n),
});
