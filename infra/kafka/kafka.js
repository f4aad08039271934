#!/usr/bin/env node
// Local single-node Kafka (KRaft) for Rapid Search development and tests.
//
//   node infra/kafka/kafka.js start|stop|status|fetch|smoke
//
// As a module:
//   import { ensureKafka, kafkaAnswers } from '../infra/kafka/kafka.js';
//   const kafka = await ensureKafka();   // starts a broker only when none answers
//   ...
//   await kafka.stop();                  // stops it only if this call started it
//
// Plain ESM, node: built-ins only (runs on Node 20 and 24). The broker is the Apache Kafka
// 3.9.1 jar set that Maven fetches from Maven Central into ./lib (see pom.xml); it runs with
// this folder as its working directory, keeps its data in ./run/data and logs to ./run/kafka.log.
// KAFKA_RUN_DIR names another run folder (data, log, pid, lock), so a second broker on another
// port can be started, killed and restarted beside the first. See ../README.md.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_RUN = path.join(HERE, 'run');
const RUN = process.env.KAFKA_RUN_DIR ? path.resolve(process.env.KAFKA_RUN_DIR) : DEFAULT_RUN;

/** Files and folders this module uses (under infra/kafka/, the run folder wherever KAFKA_RUN_DIR puts it). */
export const paths = Object.freeze({
  dir: HERE,
  pom: path.join(HERE, 'pom.xml'),
  lib: path.join(HERE, 'lib'),
  libMarker: path.join(HERE, 'lib', '.fetched'),
  serverProperties: path.join(HERE, 'server.properties'),
  log4j: path.join(HERE, 'log4j.properties'),
  smoke: path.join(HERE, 'Smoke.java'),
  run: RUN,
  data: path.join(RUN, 'data'),
  meta: path.join(RUN, 'data', 'meta.properties'),
  log: path.join(RUN, 'kafka.log'),
  pid: path.join(RUN, 'kafka.pid'),
  lock: path.join(RUN, 'start.lock'),
});

export const DEFAULT_BROKERS = '127.0.0.1:9092';
/** Fixed KRaft cluster id: base64url("rapid-search-kaf"). */
export const CLUSTER_ID = 'cmFwaWQtc2VhcmNoLWthZg';
const DEFAULT_PORT = 9092;
const START_TIMEOUT_MS = Number(process.env.KAFKA_START_TIMEOUT_MS ?? 60_000);
const LOCK_WAIT_MS = 5 * 60_000; // a cold Maven fetch happens under the lock
const STOP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Probing: does a Kafka broker answer?
// ---------------------------------------------------------------------------------------------

/** "h1:9092,h2:9093" | ["h1:9092"] -> [{ host, port }] */
export function parseBrokers(brokers = DEFAULT_BROKERS) {
  const list = Array.isArray(brokers) ? brokers : String(brokers).split(',');
  return list
    .map((s) => String(s).trim().replace(/^[a-z]+:\/\//i, ''))
    .filter(Boolean)
    .map((s) => {
      const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
      if (!m) throw new Error(`kafka: cannot parse broker address "${s}"`);
      return { host: m[1], port: m[2] ? Number(m[2]) : DEFAULT_PORT };
    });
}

function requestFrame(apiKey, apiVersion, correlationId, body = Buffer.alloc(0)) {
  const clientId = Buffer.from('rapid-search-probe');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length, 0);
  return Buffer.concat([size, header, clientId, body]);
}

// ApiVersions v0 (key 18) proves it speaks Kafka; Metadata v1 (key 3) for no topics lists the
// live (unfenced) brokers, which proves it can take topics and records, not just connections.
const API_VERSIONS = requestFrame(18, 0, 1);
const METADATA = requestFrame(3, 1, 2, Buffer.from([0, 0, 0, 0]));

/**
 * Probe one broker: TCP connect, ApiVersions, Metadata.
 * `ok`: a Kafka broker answers and lists a live broker; `connected`: something accepted the TCP
 * connection; `kafka`: it answered ApiVersions (a Kafka broker, perhaps still starting).
 * @returns {Promise<{ ok: boolean, connected: boolean, kafka: boolean, reason?: string }>}
 */
export function probeBroker({ host, port }, { timeoutMs = 2000 } = {}) {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let apiVersionsOk = false;
    let connected = false;
    let done = false;
    const sock = net.connect({ host, port });
    const finish = (ok, reason) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok, connected, kafka: apiVersionsOk, ...(ok ? {} : { reason }) });
    };
    const timer = setTimeout(() => finish(false, 'timeout'), timeoutMs);
    sock.setNoDelay(true);
    sock.on('connect', () => {
      connected = true;
      sock.write(Buffer.concat([API_VERSIONS, METADATA]));
    });
    sock.on('error', (err) => finish(false, err.code ?? err.message));
    sock.on('close', () => finish(false, 'connection closed'));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const size = buf.readInt32BE(0);
        const frame = buf.subarray(4, 4 + size);
        buf = buf.subarray(4 + size);
        if (size < 4) return finish(false, 'bad frame');
        const correlationId = frame.readInt32BE(0);
        if (correlationId === 1) {
          if (size < 6) return finish(false, 'bad ApiVersions response');
          const errorCode = frame.readInt16BE(4);
          if (errorCode !== 0) return finish(false, `ApiVersions error ${errorCode}`);
          apiVersionsOk = true;
        } else if (correlationId === 2) {
          if (!apiVersionsOk || size < 8) return finish(false, 'bad Metadata response');
          const brokerCount = frame.readInt32BE(4);
          return brokerCount > 0 ? finish(true) : finish(false, 'no live broker yet');
        } else {
          return finish(false, `unexpected correlation id ${correlationId}`);
        }
      }
    });
  });
}

/** True when a Kafka broker at any of `brokers` answers ApiVersions and lists a live broker. */
export async function kafkaAnswers(brokers = process.env.KAFKA_BROKERS ?? DEFAULT_BROKERS, { timeoutMs = 2000 } = {}) {
  const results = await Promise.all(parseBrokers(brokers).map((b) => probeBroker(b, { timeoutMs })));
  return results.some((r) => r.ok);
}

// ---------------------------------------------------------------------------------------------
// Jars
// ---------------------------------------------------------------------------------------------

function pomFingerprint() {
  return crypto.createHash('sha256').update(fs.readFileSync(paths.pom)).digest('hex').slice(0, 16);
}

/** The jars in lib/ were fetched completely, for the current pom.xml. */
export function jarsPresent() {
  try {
    return fs.readFileSync(paths.libMarker, 'utf8').trim() === pomFingerprint();
  } catch {
    return false;
  }
}

/** Run a command, collect its output; resolves { code, output }. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) =>
      reject(err.code === 'ENOENT' ? new Error(`kafka: "${cmd}" is not on PATH (${err.message})`) : err),
    );
    child.on('close', (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

/**
 * Fetch the broker jars into lib/ with Maven unless they are there already.
 * @returns {Promise<boolean>} whether it fetched
 */
export async function fetchJars({ log = console.error, force = false } = {}) {
  if (!force && jarsPresent()) return false;
  const mvn = process.env.MVN ?? 'mvn';
  log(`kafka: fetching the broker jars with Maven into ${path.relative(process.cwd(), paths.lib) || '.'} ...`);
  const t0 = Date.now();
  fs.rmSync(paths.lib, { recursive: true, force: true });
  const { code, output } = await run(mvn, [
    '-q', '-B', '-f', paths.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${paths.lib}`,
  ]);
  if (code !== 0) throw new Error(`kafka: Maven failed (${code}):\n${output.trim()}`);
  const jars = fs.readdirSync(paths.lib).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) {
    throw new Error(`kafka: Maven finished but no kafka_2.13 jar in ${paths.lib}:\n${output.trim()}`);
  }
  fs.writeFileSync(paths.libMarker, `${pomFingerprint()}\n`);
  log(`kafka: fetched ${jars.length} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

function pidAlive(pid) {
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
function isOurBroker(pid) {
  if (!pid || !pidAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(HERE) && cmdline.includes(`-Dkafka.logs.dir=${paths.run}\0`);
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pid file
  }
}

function readPidFile(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function removeIfContains(file, pid) {
  if (readPidFile(file) === pid) fs.rmSync(file, { force: true });
}

export function logTail(lines = 40) {
  try {
    return fs.readFileSync(paths.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const log4jOpt = () => `-Dlog4j.configuration=file:${paths.log4j}`;

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
      '-Xmx256m', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true', log4jOpt(),
      '-cp', path.join(paths.lib, '*'), 'kafka.tools.StorageTool',
      'format', '-t', CLUSTER_ID, '-c', brokerProperties(), '--ignore-formatted',
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
    '--override', `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
    '--override', `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    '--override', `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
  ];
}

/** Spawn the broker detached; resolves its pid once it answers, or rejects with the log tail. */
async function startBroker({ target, log, timeoutMs = START_TIMEOUT_MS }) {
  fs.mkdirSync(paths.run, { recursive: true });
  if (fs.existsSync(paths.log)) fs.renameSync(paths.log, `${paths.log}.1`);
  const out = fs.openSync(paths.log, 'a');
  const args = [
    ...jvmArgs(),
    '-cp', path.join(paths.lib, '*'), 'kafka.Kafka', brokerProperties(),
    ...listenerOverrides(target),
  ];
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

async function waitUntil(pred, timeoutMs, stepMs = 100) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await pred()) return true;
    await sleep(stepMs);
  }
  return pred();
}

function signalGroup(pid, signal) {
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

// ---------------------------------------------------------------------------------------------
// Start lock (two processes calling ensureKafka at once)
// ---------------------------------------------------------------------------------------------

/** Take run/start.lock (O_EXCL). Resolves a release function, or null if a broker answered while waiting. */
async function acquireLock({ brokers, log }) {
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

// ---------------------------------------------------------------------------------------------
// ensureKafka
// ---------------------------------------------------------------------------------------------

const isLocalHost = (host) =>
  host === 'localhost' || host === '::1' || host === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Make sure a Kafka broker answers at `brokers`; start the local one in infra/kafka/ if none does.
 *
 * @param {{ brokers?: string, log?: (msg: string) => void }} [options]
 * @returns {Promise<{ brokers: string, startedHere: boolean, pid?: number, stop: () => Promise<void> }>}
 *   `stop()` stops the broker only if this call started it (a no-op otherwise).
 */
export async function ensureKafka({ brokers = process.env.KAFKA_BROKERS ?? DEFAULT_BROKERS, log = console.error } = {}) {
  const notStarted = { brokers, startedHere: false, stop: async () => {} };
  if (await kafkaAnswers(brokers)) return notStarted;

  const [target] = parseBrokers(brokers);
  if (!target) throw new Error('kafka: no broker address given');
  if (!isLocalHost(target.host)) {
    throw new Error(`kafka: no broker answers at ${brokers}, and ${target.host} is not this machine, so none is started`);
  }

  const release = await acquireLock({ brokers, log });
  if (!release) return notStarted; // another process started it while we waited
  try {
    let probe = await probeBroker(target);
    if (probe.ok) return notStarted;

    const oldPid = readPidFile(paths.pid);
    if (oldPid && isOurBroker(oldPid)) {
      // Started from here earlier (e.g. by a process that was killed); give it time, else replace it.
      log(`kafka: a broker from infra/kafka (pid ${oldPid}) is running but not answering yet; waiting`);
      if (await waitUntil(() => kafkaAnswers(brokers, { timeoutMs: 1000 }), START_TIMEOUT_MS, 300)) return notStarted;
      log(`kafka: broker pid ${oldPid} never answered; stopping it and starting afresh`);
      await stopKafka({ log, pid: oldPid });
      probe = await probeBroker(target);
    } else if (oldPid) {
      removeIfContains(paths.pid, oldPid); // stale
    }

    if (probe.kafka) {
      // A Kafka broker not started from here (e.g. compose) is still starting: wait for it.
      log(`kafka: a broker at ${target.host}:${target.port} is starting (${probe.reason}); waiting for it`);
      if (await waitUntil(() => kafkaAnswers(brokers, { timeoutMs: 1000 }), START_TIMEOUT_MS, 300)) return notStarted;
      throw new Error(`kafka: the broker at ${target.host}:${target.port} did not become ready within ${START_TIMEOUT_MS / 1000} s`);
    }
    if (probe.connected) {
      throw new Error(
        `kafka: something that is not a Kafka broker listens on ${target.host}:${target.port} (${probe.reason}); ` +
          'free the port or point KAFKA_BROKERS at a broker',
      );
    }

    await fetchJars({ log });
    await formatStorage({ log });
    let pid;
    try {
      pid = await startBroker({ target, log });
    } catch (err) {
      // Lost a race with a broker started some other way? Then use that one.
      if (await kafkaAnswers(brokers)) return notStarted;
      throw err;
    }
    let stopped;
    return {
      brokers,
      startedHere: true,
      pid,
      stop: async () => {
        stopped ??= stopKafka({ log, pid }).then(() => {});
        return stopped;
      },
    };
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

async function smoke(brokers) {
  if (!jarsPresent()) await fetchJars();
  const [target] = parseBrokers(brokers);
  const child = spawn(
    'java',
    ['-Xmx256m', '-XX:TieredStopAtLevel=1', log4jOpt(), '-cp', path.join(paths.lib, '*'), paths.smoke, `${target.host}:${target.port}`],
    { stdio: 'inherit' },
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(argv) {
  const cmd = argv[0];
  const brokers = process.env.KAFKA_BROKERS ?? DEFAULT_BROKERS;
  switch (cmd) {
    case 'fetch':
      if (!(await fetchJars())) console.error(`kafka: jars already in ${paths.lib}`);
      return 0;
    case 'start': {
      const t0 = Date.now();
      const k = await ensureKafka({ brokers });
      if (k.startedHere) {
        console.error(`kafka: started at ${brokers} (pid ${k.pid}) in ${((Date.now() - t0) / 1000).toFixed(1)} s; stop with: node infra/kafka/kafka.js stop`);
      } else {
        console.error(`kafka: a broker already answers at ${brokers}; nothing to do`);
      }
      return 0;
    }
    case 'stop':
      await stopKafka();
      return 0;
    case 'status': {
      const results = await Promise.all(parseBrokers(brokers).map(async (b) => [b, await probeBroker(b)]));
      for (const [b, r] of results) {
        console.log(`kafka: ${b.host}:${b.port} ${r.ok ? 'answers' : `does not answer (${r.reason})`}`);
      }
      const pid = readPidFile(paths.pid);
      if (pid) console.log(`kafka: pid file names ${pid} (${isOurBroker(pid) ? 'a running broker from infra/kafka' : 'stale: no broker from infra/kafka runs under it'})`);
      return results.some(([, r]) => r.ok) ? 0 : 1;
    }
    case 'smoke':
      return smoke(brokers);
    default:
      console.error('usage: node infra/kafka/kafka.js start|stop|status|fetch|smoke   (KAFKA_BROKERS, default 127.0.0.1:9092)');
      return cmd ? 2 : 0;
  }
}

const invokedAsScript = (() => {
  try {
    return fs.realpathSync(process.argv[1] ?? '') === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedAsScript) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err?.message ?? err);
      process.exitCode = 1;
    },
  );
}
