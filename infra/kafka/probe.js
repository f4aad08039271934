// Does a Kafka broker answer? A raw probe with node:net, so it needs no Kafka client.
import net from 'node:net';
import { DEFAULT_BROKERS, DEFAULT_PORT } from './paths.js';

/** "h1:9092,h2:9093" | ["h1:9092"] -> [{ host, port }] */
export function parseBrokers(brokers = DEFAULT_BROKERS) {
  const list = Array.isArray(brokers) ? brokers : String(brokers).split(',');
  return list
    .map((s) =>
      String(s)
        .trim()
        .replace(/^[a-z]+:\/\//i, ''),
    )
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
