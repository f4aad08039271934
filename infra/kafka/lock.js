// The start lock: two processes calling ensureKafka at once start one broker between them.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCK_WAIT_MS, paths } from './paths.js';
import { kafkaAnswers } from './probe.js';
import { pidAlive, readPidFile, removeIfContains } from './processes.js';

/** Take run/start.lock (O_EXCL). Resolves a release function, or null if a broker answered while waiting. */
export async function acquireLock({ brokers, log }) {
  fs.mkdirSync(paths.run, { recursive: true });
  const t0 = Date.now();
  let announced = false;
  for (;;) {
    try {
      const fd = fs.openSync(paths.lock, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => removeIfContains(paths.lock, process.pid);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const holder = readPidFile(paths.lock);
    let age = 0;
    try {
      age = Date.now() - fs.statSync(paths.lock).mtimeMs;
    } catch {
      continue; // released just now
    }
    // A holder that died (or a lock file left without a pid for over 5 s) is stale.
    if ((holder && !pidAlive(holder)) || (!holder && age > 5000)) {
      const aside = `${paths.lock}.${process.pid}`;
      try {
        fs.renameSync(paths.lock, aside);
        const moved = readPidFile(aside);
        fs.rmSync(aside, { force: true });
        if (moved === holder) log(`kafka: removed a stale start lock (pid ${holder ?? '?'} is gone)`);
      } catch {
        /* someone else cleaned it */
      }
      continue;
    }
    if (await kafkaAnswers(brokers, { timeoutMs: 1000 })) return null;
    if (Date.now() - t0 > LOCK_WAIT_MS) {
      throw new Error(`kafka: gave up waiting for process ${holder} to start the broker (${paths.lock})`);
    }
    if (!announced) {
      log(`kafka: another process (pid ${holder ?? '?'}) is starting the broker; waiting for it`);
      announced = true;
    }
    await sleep(300);
  }
}
