// Where the local broker's files live, and the settings every part of the helper shares.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_RUN = path.join(HERE, 'run');
export const RUN = process.env.KAFKA_RUN_DIR ? path.resolve(process.env.KAFKA_RUN_DIR) : DEFAULT_RUN;

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
export const DEFAULT_PORT = 9092;
export const START_TIMEOUT_MS = Number(process.env.KAFKA_START_TIMEOUT_MS ?? 60_000);
export const LOCK_WAIT_MS = 5 * 60_000; // a cold Maven fetch happens under the lock
export const STOP_TIMEOUT_MS = 30_000;
