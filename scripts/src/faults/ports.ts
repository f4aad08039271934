import { createServer } from 'node:net';

/**
 * Below the kernel's ephemeral range, so no outgoing connection takes the port between the check
 * and the listen; random, so two fault runs at once rarely even try the same one.
 */
const LOW = 20000;
const HIGH = 30000;

/**
 * A port nobody listens on now. With `pair`, the next one is free too (a broker puts its controller
 * there). Checked with an exclusive listen: the services share ports with SO_REUSEPORT, and a port
 * shared by accident with another system would hand it half our requests.
 */
export async function freePort(options: { pair?: boolean } = {}): Promise<number> {
  for (;;) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW - 1));
    if ((await free(port)) && (!options.pair || (await free(port + 1)))) return port;
  }
}

/** `count` different free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
