// ensureKafka: use the broker that answers, else start the local one and hand back how to stop it.
import { DEFAULT_BROKERS, START_TIMEOUT_MS, paths } from './paths.js';
import { kafkaAnswers, parseBrokers, probeBroker } from './probe.js';
import { isOurBroker, readPidFile, removeIfContains, waitUntil } from './processes.js';
import { fetchJars } from './jars.js';
import { formatStorage, startBroker, stopKafka } from './broker.js';
import { acquireLock } from './lock.js';

const isLocalHost = (host) => host === 'localhost' || host === '::1' || host === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(host);

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
