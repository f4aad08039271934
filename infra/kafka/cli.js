// The command line: node infra/kafka/kafka.js start|stop|status|fetch|smoke.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DEFAULT_BROKERS, paths } from './paths.js';
import { parseBrokers, probeBroker } from './probe.js';
import { isOurBroker, readPidFile } from './processes.js';
import { fetchJars, jarsPresent } from './jars.js';
import { log4jOpt, stopKafka } from './broker.js';
import { ensureKafka } from './ensure.js';

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

export async function main(argv) {
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
        console.error(
          `kafka: started at ${brokers} (pid ${k.pid}) in ${((Date.now() - t0) / 1000).toFixed(1)} s; stop with: node infra/kafka/kafka.js stop`,
        );
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
      if (pid)
        console.log(
          `kafka: pid file names ${pid} (${isOurBroker(pid) ? 'a running broker from infra/kafka' : 'stale: no broker from infra/kafka runs under it'})`,
        );
      return results.some(([, r]) => r.ok) ? 0 : 1;
    }
    case 'smoke':
      return smoke(brokers);
    default:
      console.error('usage: node infra/kafka/kafka.js start|stop|status|fetch|smoke   (KAFKA_BROKERS, default 127.0.0.1:9092)');
      return cmd ? 2 : 0;
  }
}
