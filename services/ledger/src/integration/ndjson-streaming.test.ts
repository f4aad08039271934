import t from 'tap';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startHarness, type Harness } from './harness.js';

const ENTRIES = 200_000;
const SAMPLE_EVERY = 16 * 2 ** 20;
/** A full collection on demand, without starting node with --expose-gc. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
let h: Harness;

t.before(async () => {
  h = await startHarness('ledger_stream');
});
t.teardown(() => h.close());

t.test('a large ledger streams as NDJSON in bounded memory', async (t) => {
  // Entries of about 1.2 KB each (240 MB in all): far more than the heap bound checked below.
  await h.pool.query(
    `INSERT INTO ledger.entries (seq, topic, event_id, type, case_id, stream_id, stream_version, entry, prev_hash, hash)
     SELECT g, 'alert.events.v1', gen_random_uuid(), 'QuickSearchActivated', 'case-' || (g % 5000), 'alert-' || (g % 5000), g,
            '{"caseId":"case-' || (g % 5000) || '","data":{"note":"' || repeat('x', 1100) || '"},"type":"QuickSearchActivated","version":1}',
            md5(g::text) || md5((g - 1)::text), md5(g::text) || md5(g::text)
     FROM generate_series(1, $1) g`,
    [ENTRIES],
  );
  const address = await h.service.app.listen({ port: 0, host: '127.0.0.1' });
  const token = await h.token({ role: 'auditor' });
  // Bounded memory is about what the stream keeps alive, not the garbage it leaves for a later
  // collection (how much of that piles up depends on the collector's timing): so the heap is
  // measured after a full collection, at the start and after every 16 MB streamed.
  const liveHeap = (): number => {
    collectGarbage();
    return process.memoryUsage().heapUsed;
  };
  const baseline = liveHeap();
  let peak = baseline;
  const res = await fetch(`${address}/v1/ledger`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
  let bytes = 0;
  let lines = 0;
  let firstLine = '';
  let pendingFirst = true;
  let nextSample = SAMPLE_EVERY;
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) lines++;
    if (pendingFirst) {
      firstLine += decoder.decode(chunk, { stream: true });
      if (firstLine.includes('\n')) pendingFirst = false;
    }
    if (bytes >= nextSample) {
      peak = Math.max(peak, liveHeap());
      nextSample += SAMPLE_EVERY;
    }
  }
  const growthMb = (peak - baseline) / 2 ** 20;
  t.equal(lines, ENTRIES, 'every entry, one line each');
  t.ok(bytes > 200 * 2 ** 20, `streamed ${(bytes / 2 ** 20).toFixed(0)} MB`);
  t.ok(growthMb < 32, `the live heap grew by at most ${growthMb.toFixed(1)} MB while streaming`);
  t.match(JSON.parse(firstLine.split('\n')[0]!), { seq: 1, topic: 'alert.events.v1', entry: { type: 'QuickSearchActivated' } });
});
