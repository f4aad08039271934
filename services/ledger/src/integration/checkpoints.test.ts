import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually } from '@rapid-search/events/testing';
import t from 'tap';
import type { SignedCheckpoint } from '../checkpoints/signing.js';
import { startHarness, type Harness } from './harness.js';

const CLI = fileURLToPath(new URL('../cli/audit.js', import.meta.url));
const run = promisify(execFile);
const CASES = ['cp-case-1', 'cp-case-2', 'cp-case-3'];

let h: Harness;
let auditor: string;
let auditorWithData: string;
let dir: string;

t.before(async () => {
  h = await startHarness('ledger_checkpoints', { LEDGER_CHECKPOINT_EVERY_ENTRIES: '2' });
  auditor = await h.token({ role: 'auditor', sub: 'auditor-provincial-audit-office' });
  auditorWithData = await h.token({ role: 'auditor', grants: ['personal-data'] });
  dir = mkdtempSync(join(tmpdir(), 'ledger-checkpoints-'));
  for (const caseId of CASES) {
    await h.publish('alert', 'CaseOpened', caseId, {
      caseId,
      alertId: `alert-${caseId}`,
      regionCode: '530111',
      mechanism: 'homicide-case',
      openedAt: new Date().toISOString(),
    });
  }
  await eventually(async () => {
    const { rows } = await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger.entries WHERE topic LIKE '%alert.events.v1'");
    if (rows[0]!.n < CASES.length) throw new Error(`${rows[0]!.n} alert entries on the chain so far`);
  }, 30000);
});
t.teardown(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h.close();
});

const call = (method: 'GET' | 'POST', url: string, token?: string) =>
  h.service.app.inject({ method, url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

async function exportLedger(name: string): Promise<string> {
  const res = await call('GET', '/v1/ledger?form=sealed', auditorWithData);
  const file = join(dir, name);
  writeFileSync(file, res.body);
  return file;
}

async function verifyOffline(
  ndjson: string,
  checkpoint: string,
): Promise<{ code: number; report: { ok: boolean; violations: { rule: string; message: string }[] } }> {
  try {
    const { stdout } = await run(process.execPath, [CLI, 'verify', '--ndjson', ndjson, '--checkpoint', checkpoint]);
    return { code: 0, report: JSON.parse(stdout) as never };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, report: JSON.parse(failed.stdout) as never };
  }
}

/** What a database superuser can do: rewrite an entry and recompute every hash after it, so the links hold again. */
async function rewriteAndRehash(seq: number): Promise<void> {
  const client = await h.pool.connect();
  try {
    // Under the chain's lock, as the appender takes it, so no entry is linked to a hash being replaced.
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ledger.entries chain'))");
    await client.query('ALTER TABLE ledger.entries DISABLE TRIGGER entries_append_only');
    await client.query("UPDATE ledger.entries SET entry = replace(entry, '530111', '530112') WHERE seq = $1", [seq]);
    await client.query(`
      DO $$
      DECLARE r record; prev text;
      BEGIN
        SELECT hash INTO prev FROM ledger.entries WHERE seq = ${seq - 1};
        prev := coalesce(prev, repeat('0', 64));
        FOR r IN SELECT seq, entry FROM ledger.entries WHERE seq >= ${seq} ORDER BY seq LOOP
          UPDATE ledger.entries SET prev_hash = prev, hash = encode(sha256(convert_to(prev || r.entry, 'UTF8')), 'hex')
            WHERE seq = r.seq RETURNING hash INTO prev;
        END LOOP;
      END $$`);
    await client.query('ALTER TABLE ledger.entries ENABLE TRIGGER entries_append_only');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

t.test('given entries on the chain, when no one asks, then the schedule signs a checkpoint every N entries', async (t) => {
  await eventually(async () => {
    const { rows } = await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger.signed_checkpoints WHERE requested_by = 'schedule'");
    if (rows[0]!.n === 0) throw new Error('no scheduled checkpoint yet');
  }, 20000);
  t.pass('a scheduled checkpoint was signed');
});

t.test('given an officer, when they ask for a checkpoint, then they are refused', async (t) => {
  const officer = await h.token({ role: 'officer' });
  t.equal((await call('POST', '/v1/ledger/checkpoints', officer)).statusCode, 403);
});

t.test('given anyone, when they ask for the public key, then it is the key checkpoints name', async (t) => {
  const key = (await call('GET', '/v1/ledger/public-key')).json<{ keyId: string; publicKey: string; algorithm: string }>();
  const listed = (await call('GET', '/v1/ledger/checkpoints?limit=1', auditor)).json<{ items: SignedCheckpoint[] }>();
  t.equal(key.algorithm, 'Ed25519');
  t.match(key.publicKey, /^-----BEGIN PUBLIC KEY-----/);
  t.equal(listed.items[0]?.keyId, key.keyId);
});

t.test(
  'given a checkpoint an auditor holds, when a superuser rewrites and re-hashes the chain behind it, then the online check passes but the offline check names the checkpoint',
  async (t) => {
    const made = await call('POST', '/v1/ledger/checkpoints', auditor);
    t.equal(made.statusCode, 201);
    const held = made.json<SignedCheckpoint>();
    const checkpointFile = join(dir, 'checkpoint.json');
    writeFileSync(checkpointFile, made.body);
    const listed = (await call('GET', '/v1/ledger/checkpoints', auditor)).json<{ items: SignedCheckpoint[] }>();
    t.same(listed.items[0], held, 'the newest listed is the one just made');

    const before = await verifyOffline(await exportLedger('before.ndjson'), checkpointFile);
    t.equal(before.code, 0, 'the untouched export holds against the checkpoint');
    t.same(before.report.violations, []);

    const { rows } = await h.pool.query<{ seq: string }>(
      "SELECT min(seq) AS seq FROM ledger.entries WHERE topic LIKE '%alert.events.v1' AND entry LIKE '%530111%' AND seq <= $1",
      [held.seq],
    );
    await rewriteAndRehash(Number(rows[0]!.seq));
    const online = (await call('GET', '/v1/ledger/verify', auditor)).json<{ ok: boolean; brokenLinks: number }>();
    t.equal(online.brokenLinks, 0, 'the re-hashed links hold: the chain alone cannot tell');

    const after = await verifyOffline(await exportLedger('after.ndjson'), checkpointFile);
    t.equal(after.code, 1);
    t.same(
      after.report.violations.map((v) => v.rule),
      ['CHECKPOINT_MISMATCH'],
    );
    t.match(after.report.violations[0]!.message, `checkpoint of entry ${held.seq} signed at ${held.signedAt} by key ${held.keyId}`);
  },
);
