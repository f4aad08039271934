// Child processes and pid files: what the broker, the storage tool and Maven are run with.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { HERE, paths } from './paths.js';

/** Run a command, collect its output; resolves { code, output }. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => reject(err.code === 'ENOENT' ? new Error(`kafka: "${cmd}" is not on PATH (${err.message})`) : err));
    child.on('close', (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * A live broker started from this folder with this run folder (checked via /proc where there is
 * one), so a stale pid file never names the broker of another run folder.
 */
export function isOurBroker(pid) {
  if (!pid || !pidAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(HERE) && cmdline.includes(`-Dkafka.logs.dir=${paths.run}\0`);
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pid file
  }
}

export function readPidFile(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function removeIfContains(file, pid) {
  if (readPidFile(file) === pid) fs.rmSync(file, { force: true });
}

export async function waitUntil(pred, timeoutMs, stepMs = 100) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await pred()) return true;
    await sleep(stepMs);
  }
  return pred();
}

export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // the broker leads its own process group
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}
