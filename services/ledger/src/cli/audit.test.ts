import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { createTestDatabase } from '@rapid-search/events/testing';

const CLI = fileURLToPath(new URL('./audit.js', import.meta.url));

/** The CLI's exit code and what it wrote to stderr. */
async function audit(args: string[], databaseUrl?: string): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  return promisify(execFile)(process.execPath, [CLI, ...args], { env }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
}

t.test('given a database that is gone, when verify runs, then it exits 3 naming it, never 1 (the ledger does not hold)', async (t) => {
  const db = await createTestDatabase('audit_cli');
  await db.drop();
  const { code, stderr } = await audit(['verify'], db.url);
  t.equal(code, 3);
  t.equal(stderr, `audit: could not run verify: database "${db.name}" does not exist\n`);
});

t.test('given an export file that is not there, when it is verified offline, then it exits 3', async (t) => {
  const { code, stderr } = await audit(['verify', '--ndjson', '/nonexistent/ledger.ndjson']);
  t.equal(code, 3);
  t.match(stderr, /^audit: could not run verify: ENOENT/);
});

t.test('given an option it does not know, when it starts, then it prints its usage and exits 2', async (t) => {
  const { code, stderr } = await audit(['verify', '--everything']);
  t.equal(code, 2);
  t.match(stderr, /Unknown option '--everything'[\s\S]*usage:/);
});
