import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createTestDatabase } from '@rapid-search/events/testing';
import { waitUntilReady } from '@rapid-search/scripts/services';
import { systemUnderTest } from './system-env.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The whole system started as `npm start` starts it, on its own database and three ports from
 * `firstPort`, ready to answer. It runs in its own process group, so that a failed run kills the
 * services with it and never orphans them; the test's teardown does so and drops the database.
 * What the start script prints goes to `onStdout`, its lines about its processes to the test log.
 */
export async function startedSystem(label: string, firstPort: number, onStdout: (text: string) => void = () => undefined) {
  const db = await createTestDatabase(label);
  const { ports, urls, env } = systemUnderTest(db.url, firstPort);
  const system = spawn(process.execPath, [`${ROOT}scripts/dist/src/start.js`], { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  system.stdout.on('data', (chunk: Buffer) => {
    onStdout(chunk.toString());
    for (const line of chunk.toString().split('\n')) if (line.startsWith('rapid-search:')) console.error(line);
  });
  const exited = new Promise<number | null>((resolve) => system.once('exit', (code) => resolve(code)));
  t.teardown(async () => {
    if (system.exitCode === null) process.kill(-system.pid!, 'SIGKILL');
    await db.drop();
  });
  await Promise.race([
    Promise.all(Object.values(urls).map((u) => waitUntilReady(u, 120000))),
    exited.then((code) => Promise.reject(new Error(`npm start exited early (${code}); see .data/logs/`))),
  ]);
  return { db, ports, urls, env, system, exited };
}
