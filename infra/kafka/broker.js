// The broker process: its storage formatted once, started detached in its own process group,
// stopped by its pid file.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_PORT, DEFAULT_RUN, CLUSTER_ID, HERE, RUN, START_TIMEOUT_MS, STOP_TIMEOUT_MS, paths } from './paths.js';
import { probeBroker } from './probe.js';
import { isOurBroker, pidAlive, readPidFile, removeIfContains, run, signalGroup, waitUntil } from './processes.js';

export function logTail(lines = 40) {
  try {
    return fs.readFileSync(paths.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export const log4jOpt = () => `-Dlog4j.configuration=file:${paths.log4j}`;

function jvmArgs() {
  const heap = (process.env.KAFKA_HEAP_OPTS ?? '-Xms512m -Xmx512m').split(/\s+/).filter(Boolean);
  return [
    ...heap,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:MaxInlineLevel=15',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    log4jOpt(),
    `-Dkafka.logs.dir=${paths.run}`,
    ...(process.env.KAFKA_OPTS ?? '').split(/\s+/).filter(Boolean), // extra JVM flags, as in Kafka's scripts
  ];
}

/**
 * server.properties names its data dir relative to this folder; a run folder of its own gets a copy
 * that points into it, for the storage tool and the broker alike.
 */
function brokerProperties() {
  if (RUN === DEFAULT_RUN) return paths.serverProperties;
  const file = path.join(RUN, 'server.properties');
  fs.mkdirSync(RUN, { recursive: true });
  fs.writeFileSync(file, fs.readFileSync(paths.serverProperties, 'utf8').replace(/^log\.dirs=.*$/m, `log.dirs=${paths.data}`));
  return file;
}

/** Format the KRaft storage once (skipped when run/data/meta.properties exists). */
export async function formatStorage({ log = console.error } = {}) {
  if (fs.existsSync(paths.meta)) return false;
  fs.mkdirSync(paths.run, { recursive: true });
  log(`kafka: formatting storage in ${path.relative(process.cwd(), paths.data) || '.'} (cluster ${CLUSTER_ID})`);
  const { code, output } = await run(
    'java',
    [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      log4jOpt(),
      '-cp',
      path.join(paths.lib, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      CLUSTER_ID,
      '-c',
      brokerProperties(),
      '--ignore-formatted',
    ],
    { cwd: HERE },
  );
  if (code !== 0 || !fs.existsSync(paths.meta)) {
    throw new Error(`kafka: formatting storage failed (${code}):\n${output.trim()}`);
  }
  return true;
}

/**
 * --override arguments when the wanted local port is not the one in server.properties: the
 * broker listens on that port and its controller on the next one. (One data dir per run folder, so
 * two brokers need two run folders: see KAFKA_RUN_DIR.)
 */
function listenerOverrides({ port }) {
  if (port === DEFAULT_PORT) return [];
  return [
    '--override',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
    '--override',
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    '--override',
    `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
  ];
}

/** Spawn the broker detached; resolves its pid once it answers, or rejects with the log tail. */
export async function startBroker({ target, log, timeoutMs = START_TIMEOUT_MS }) {
  fs.mkdirSync(paths.run, { recursive: true });
  if (fs.existsSync(paths.log)) fs.renameSync(paths.log, `${paths.log}.1`);
  const out = fs.openSync(paths.log, 'a');
  const args = [...jvmArgs(), '-cp', path.join(paths.lib, '*'), 'kafka.Kafka', brokerProperties(), ...listenerOverrides(target)];
  const t0 = Date.now();
  let child;
  try {
    child = spawn('java', args, { cwd: HERE, detached: true, stdio: ['ignore', out, out] });
  } finally {
    fs.closeSync(out);
  }
  const spawnError = new Promise((resolve) => child.once('error', resolve));
  child.unref();
  const failed = await Promise.race([spawnError, sleep(50).then(() => null)]);
  if (failed) throw new Error(`kafka: cannot run java (${failed.message})`);
  const pid = child.pid;
  fs.writeFileSync(paths.pid, `${pid}\n`);
  log(`kafka: starting broker (pid ${pid}) at 127.0.0.1:${target.port}, log ${path.relative(process.cwd(), paths.log)}`);

  const addr = `127.0.0.1:${target.port}`;
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null || !pidAlive(pid)) {
      removeIfContains(paths.pid, pid);
      const why = child.exitCode !== null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`;
      throw new Error(`kafka: broker exited during start (${why}); last lines of ${paths.log}:\n${logTail()}`);
    }
    if ((await probeBroker(target, { timeoutMs: 1000 })).ok) {
      log(`kafka: broker answers at ${addr} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return pid;
    }
    await sleep(200);
  }
  await stopPid(pid, { log: () => {} });
  removeIfContains(paths.pid, pid);
  throw new Error(`kafka: broker did not answer at ${addr} within ${timeoutMs / 1000} s; last lines of ${paths.log}:\n${logTail()}`);
}

async function stopPid(pid, { log, timeoutMs = STOP_TIMEOUT_MS }) {
  signalGroup(pid, 'SIGTERM');
  if (await waitUntil(() => !pidAlive(pid), timeoutMs)) return 'SIGTERM';
  log(`kafka: broker (pid ${pid}) still running after ${timeoutMs / 1000} s; sending SIGKILL`);
  signalGroup(pid, 'SIGKILL');
  await waitUntil(() => !pidAlive(pid), 5000);
  return 'SIGKILL';
}

/**
 * Stop the broker started from this folder, if the pid file names a live one.
 * @returns {Promise<boolean>} whether one was stopped
 */
export async function stopKafka({ log = console.error, pid = readPidFile(paths.pid), timeoutMs } = {}) {
  if (!pid || !isOurBroker(pid)) {
    if (pid) removeIfContains(paths.pid, pid);
    log('kafka: no broker started from infra/kafka is running');
    return false;
  }
  const t0 = Date.now();
  log(`kafka: stopping broker (pid ${pid}) ...`);
  const how = await stopPid(pid, { log, timeoutMs });
  removeIfContains(paths.pid, pid);
  log(`kafka: broker stopped (${how}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}
