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
//
// This file is the entry point and the module's face; the parts live beside it: paths.js,
// probe.js, processes.js, jars.js, broker.js, lock.js, ensure.js, cli.js.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from './cli.js';

export { paths, DEFAULT_BROKERS, CLUSTER_ID } from './paths.js';
export { parseBrokers, probeBroker, kafkaAnswers } from './probe.js';
export { jarsPresent, fetchJars } from './jars.js';
export { logTail, formatStorage, stopKafka } from './broker.js';
export { ensureKafka } from './ensure.js';

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
