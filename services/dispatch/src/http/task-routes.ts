import { Forbidden, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { actorOf } from '../commands/metadata.js';
import type { TaskCommands } from '../commands/task-commands.js';
import { readTasks } from '../projections/console-reads.js';

const TaskParams = z.object({ taskId: z.string().min(1).max(200) });
const Result = z.object({ taskId: z.string(), position: z.number().int() });

export function registerTaskRoutes(routes: RouteKit, deps: { pool: Pool; schema: string; commands: TaskCommands }): void {
  routes.route({
    method: 'GET',
    url: '/v1/tasks',
    summary: 'Tasks seen by a command center (consoles: their own center only)',
    tags: ['tasks'],
    roles: ['console', 'officer'],
    query: z.object({
      commandCenterId: z.string().min(1).optional(),
      status: z.enum(['assigned', 'acknowledged', 'completed']).optional(),
    }),
    handler: async ({ query, principal }) => {
      let commandCenterId = query.commandCenterId;
      if (principal.role === 'console') {
        if (commandCenterId !== undefined && commandCenterId !== principal.commandCenterId) {
          throw new Forbidden('a console sees only the tasks of its own command center');
        }
        commandCenterId = principal.commandCenterId;
        if (!commandCenterId) throw new Forbidden('console token names no command center');
      }
      return { tasks: await readTasks(deps.pool, deps.schema, { commandCenterId, status: query.status }) };
    },
  });
  routes.route({
    method: 'POST',
    url: '/v1/tasks/:taskId/ack',
    summary: 'Acknowledge a task (its own command center, or an officer)',
    tags: ['tasks'],
    roles: ['console', 'officer'],
    params: TaskParams,
    responses: { 200: Result },
    handler: ({ params, principal }) => deps.commands.acknowledge(params.taskId, actorOf(principal)),
  });
  routes.route({
    method: 'POST',
    url: '/v1/tasks/:taskId/complete',
    summary: 'Complete a task with its outcome',
    tags: ['tasks'],
    roles: ['console', 'officer'],
    params: TaskParams,
    body: z.object({ outcome: z.string().min(1).max(200), notes: z.string().max(4000).optional() }),
    responses: { 200: Result },
    handler: ({ params, body, principal }) => deps.commands.complete(params.taskId, actorOf(principal), body.outcome, body.notes),
  });
}
