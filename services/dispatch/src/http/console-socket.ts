import { DomainError, Forbidden, unsafeInput, ValidationError, type Principal, type TokenVerifier } from '@rapid-search/events';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { z } from 'zod';
import { actorOf } from '../commands/metadata.js';
import type { TaskCommands } from '../commands/task-commands.js';
import type { Directory } from '../domain/directory.js';
import { ConsoleConnection } from '../live/console-connection.js';
import type { ConsoleHub } from '../live/console-hub.js';
import { readFeed, readSnapshot } from '../projections/console-reads.js';

const Incoming = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), fromPosition: z.number().int().min(0) }),
  z.object({ type: z.literal('ack'), taskId: z.string().min(1) }),
  z.object({ type: z.literal('complete'), taskId: z.string().min(1), outcome: z.string().min(1), notes: z.string().optional() }),
]);

export interface ConsoleDeps {
  pool: Pool;
  schema: string;
  hub: ConsoleHub;
  directory: Directory;
  verify: TokenVerifier;
  commands: TaskCommands;
  bufferLimit: number;
  logger: Logger;
}

/**
 * `GET /v1/consoles`: a console's live view of its own center. The bearer token comes in the
 * Authorization header or, for browsers that cannot set it on a WebSocket, as `?token=`. On
 * connect: a snapshot and its position, then live events; `?fromPosition=` instead of a snapshot,
 * or a `resume` message at any time, replays exactly the events after that position.
 */
export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const principals = new WeakMap<FastifyRequest, Principal>();
  const Query = z.object({ token: z.string().optional(), fromPosition: z.coerce.number().int().min(0).optional() });

  app.get(
    '/v1/consoles',
    {
      websocket: true,
      preValidation: async (request) => {
        const query = Query.parse(request.query);
        const principal = await deps.verify(query.token ? `Bearer ${query.token}` : request.headers.authorization);
        if (principal.role !== 'console') throw new Forbidden('only consoles may open a console socket');
        if (!principal.commandCenterId || !deps.directory.center(principal.commandCenterId)) {
          throw new Forbidden('the console token must name a known command center');
        }
        principals.set(request, principal);
      },
    },
    (socket, request) => {
      const principal = principals.get(request)!;
      const centerId = principal.commandCenterId!;
      const connection = new ConsoleConnection(centerId, socket, deps.bufferLimit, (c) => deps.hub.remove(c));
      deps.hub.add(connection);
      const resume = (from: number) =>
        connection.replay(async () => {
          const { position, value } = await readFeed(deps.pool, deps.schema, centerId, from);
          return { position, messages: value };
        }, from);
      const snapshot = () =>
        connection.replay(async () => {
          const { position, value } = await readSnapshot(deps.pool, deps.schema, centerId);
          return { position, messages: [JSON.stringify({ type: 'snapshot', position, tasks: value })] };
        });
      const fromPosition = Query.parse(request.query).fromPosition;
      const failed = (error: unknown) => {
        deps.logger.error({ err: error, centerId }, 'console replay failed');
        socket.close(1011, 'replay failed');
      };
      (fromPosition === undefined ? snapshot() : resume(fromPosition)).catch(failed);

      const handle = async (raw: RawData): Promise<void> => {
        let json: unknown;
        try {
          json = JSON.parse(raw.toString());
        } catch {
          return connection.reply({ type: 'error', code: 'MALFORMED_JSON', message: 'message is not valid JSON' });
        }
        const unsafe = unsafeInput(json, 'message');
        if (unsafe.length > 0) return connection.reply({ type: 'error', code: 'VALIDATION_FAILED', message: new ValidationError(unsafe).message });
        const parsed = Incoming.safeParse(json);
        if (!parsed.success) {
          const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
          return connection.reply({ type: 'error', code: 'VALIDATION_FAILED', message, ...taskOf(raw) });
        }
        const msg = parsed.data;
        const actor = actorOf(principal);
        switch (msg.type) {
          case 'resume':
            return resume(msg.fromPosition).catch(failed);
          case 'ack':
            return connection.reply({ type: 'ack-result', ...(await deps.commands.acknowledge(msg.taskId, actor)) });
          case 'complete':
            return connection.reply({ type: 'complete-result', ...(await deps.commands.complete(msg.taskId, actor, msg.outcome, msg.notes)) });
        }
      };

      socket.on('message', (raw: RawData) => {
        void handle(raw).catch((error: unknown) => {
          if (error instanceof DomainError) return connection.reply({ type: 'error', code: error.code, message: error.message, ...taskOf(raw) });
          deps.logger.error({ err: error, centerId }, 'console message failed');
          connection.reply({ type: 'error', code: 'INTERNAL', message: 'internal error', ...taskOf(raw) });
        });
      });
    },
  );
}

function taskOf(raw: RawData): { taskId?: string } {
  try {
    const taskId = (JSON.parse(raw.toString()) as { taskId?: unknown }).taskId;
    return typeof taskId === 'string' ? { taskId } : {};
  } catch {
    return {};
  }
}
