import type { FastifyInstance, FastifyListenOptions } from 'fastify';

/**
 * Listens so that every instance of a service can hold the same port: on Linux the socket is
 * opened with SO_REUSEPORT, the kernel spreads new connections over the instances listening, and
 * when one dies the others take all of them, with no proxy in front. Fastify hands its listen
 * options to `net.Server.listen` as they are (its types just do not name `reusePort`). Elsewhere a
 * second instance on the port fails to bind, as without this.
 */
export async function listenShared(app: FastifyInstance, { port, host }: { port: number; host: string }): Promise<string> {
  const options: FastifyListenOptions & { reusePort: boolean } = { port, host, reusePort: process.platform === 'linux' };
  return app.listen(options);
}
