import { describeZodError, DomainError, Forbidden, unsafeInput, ValidationError, type PersonalData, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { z } from 'zod';
import { actorOf } from '../commands/metadata.js';
import type { TaskCommands } from '../commands/task-commands.js';
import type { Directory } from '../domain/directory.js';
import { CLOSE_TOO_MANY_MESSAGES, ConsoleConnection, type ReplayFeed } from '../live/console-connection.js';
import { MessageBudget } from '../live/message-budget.js';
import type { ConsoleHub } from '../live/console-hub.js';
import { eventMessage, feedHead, readFeedPage, readSnapshot } from '../projections/console-reads.js';

const REPLAY_PAGE = 500;

const Incoming = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), fromPosition: z.number().int().min(0) }),
  z.object({ type: z.literal('ack'), taskId: z.string().min(1) }),
  z.object({ type: z.literal('complete'), taskId: z.string().min(1), outcome: z.string().min(1), notes: z.string().optional() }),
]);

export interface ConsoleDeps {
  pool: Pool;
  schema: string;
  /** Opens the personal fields of the events a console replays, as the live feed does. */
  personal: PersonalData;
  hub: ConsoleHub;
  directory: Directory;
  commands: TaskCommands;
  bufferLimit: number;
  /** Messages a console socket may send per second on average (twice that at once). */
  messagesPerSecond: number;
  logger: Logger;
}

const Query = z.object({
  fromPosition: z.coerce.number().int().min(0).optional().describe('replay the events after this position instead of a snapshot'),
});

/**
 * `GET /v1/consoles`: a console's live view of its own center. The bearer token comes in the
 * Authorization header or, from a browser, as the subprotocol `bearer.<token>` beside
 * `rapid-search.v1`; the kit's onRequest hook checks it like any other route's, before the upgrade. On connect: a
 * snapshot and its position, then live events; `?fromPosition=` instead of a snapshot, or a
 * `resume` message at any time, replays exactly the events after that position.
 */
export function registerConsoleRoutes(routes: RouteKit, deps: ConsoleDeps): void {
  routes.socket({
    url: '/v1/consoles',
    summary: "A console's live view of its own center, over WebSocket",
    description:
      'Server to console: `snapshot`, `event`, `ack-result`, `complete-result`, `error`. Console to server: ' +
      '`{ type: "resume", fromPosition }`, `{ type: "ack", taskId }`, `{ type: "complete", taskId, outcome, notes? }`.',
    tags: ['consoles'],
    roles: ['console'],
    tokenInProtocol: true,
    query: Query,
    admit: (principal) => {
      if (!principal.commandCenterId || !deps.directory.center(principal.commandCenterId)) {
        throw new Forbidden('the console token must name a known command center');
      }
    },
    handler: (socket, { query, principal }) => {
      const centerId = principal.commandCenterId!;
      const connection = new ConsoleConnection(centerId, socket, deps.bufferLimit, (c) => deps.hub.remove(c));
      deps.hub.add(connection);
      const feed: ReplayFeed = {
        pageSize: REPLAY_PAGE,
        head: () => feedHead(deps.pool, deps.schema),
        page: async (after, upTo) => {
          const { events, last } = await readFeedPage(deps.pool, deps.schema, centerId, after, upTo, REPLAY_PAGE);
          return { messages: (await deps.personal.open(events)).map((e) => eventMessage(e, centerId)), last };
        },
      };
      const failed = (error: unknown) => {
        deps.logger.error({ err: error, centerId }, 'console replay failed');
        socket.close(1011, 'replay failed');
      };
      const resume = (from: number): Promise<void> =>
        connection.resume(from, feed).then((refused) => {
          if (refused)
            connection.reply({
              type: 'error',
              code: 'RESUME_PAST_HEAD',
              message: `position ${from} is past the head, ${refused.pastHead}`,
              head: refused.pastHead,
            });
        }, failed);
      const snapshot = () =>
        connection
          .snapshot(async () => {
            const { position, value } = await readSnapshot(deps.pool, deps.schema, centerId);
            return { position, message: JSON.stringify({ type: 'snapshot', position, tasks: value }) };
          })
          .catch(failed);
      void (query.fromPosition === undefined ? snapshot() : resume(query.fromPosition));

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
          return connection.reply({ type: 'error', code: 'VALIDATION_FAILED', message: describeZodError(parsed.error), ...taskOf(raw) });
        }
        const msg = parsed.data;
        const actor = actorOf(principal);
        switch (msg.type) {
          case 'resume':
            if (connection.replaying) {
              return connection.reply({
                type: 'error',
                code: 'RESUME_IN_FLIGHT',
                message: 'a snapshot or resume is still being sent; resume again once it is done',
              });
            }
            return void resume(msg.fromPosition);
          case 'ack':
            return connection.reply({ type: 'ack-result', ...(await deps.commands.acknowledge(msg.taskId, actor)) });
          case 'complete':
            return connection.reply({ type: 'complete-result', ...(await deps.commands.complete(msg.taskId, actor, msg.outcome, msg.notes)) });
        }
      };

      // One message at a time per socket, within a budget: a flood from one socket waits on
      // itself, never on the commands of every other console.
      const budget = new MessageBudget(deps.messagesPerSecond, deps.messagesPerSecond * 2);
      let inTurn: Promise<void> = Promise.resolve();
      socket.on('message', (raw: RawData) => {
        if (!budget.take()) {
          socket.close(CLOSE_TOO_MANY_MESSAGES, 'too many messages');
          return;
        }
        inTurn = inTurn.then(() =>
          handle(raw).catch((error: unknown) => {
            if (error instanceof DomainError) return connection.reply({ type: 'error', code: error.code, message: error.message, ...taskOf(raw) });
            deps.logger.error({ err: error, centerId }, 'console message failed');
            connection.reply({ type: 'error', code: 'INTERNAL', message: 'internal error', ...taskOf(raw) });
          }),
        );
      });
    },
  });
}

function taskOf(raw: RawData): { taskId?: string } {
  try {
    const taskId = (JSON.parse(raw.toString()) as { taskId?: unknown }).taskId;
    return typeof taskId === 'string' ? { taskId } : {};
  } catch {
    return {};
  }
}
