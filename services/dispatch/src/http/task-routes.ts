import { decodeCursor, Forbidden, PageQuery, pageOf, type RouteKit } from '@rapid-search/events';
import type { Pool } from 'pg';
import { z } from 'zod';
import { actorOf } from '../commands/metadata.js';
import type { TaskCommands } from '../commands/task-commands.js';
import { readTasks, TaskCursor } from '../projections/console-reads.js';

const TaskParams = z.object({ taskId: z.string().min(1).max(200) });
const Result = z.object({ taskId: z.string(), position: z.number().int().nonnegative() });
const Task = z.object({
  taskId: z.string(),
  caseId: z.string(),
  kind: z.string(),
  commandCenterId: z.string(),
  status: z.string().describe('assigned, acknowledged or completed'),
  deadlineAt: z.string().nullable(),
  assignedAt: z.string(),
  details: z.unknown().describe('what the task is about, by kind: the hub to watch, the area to search…'),
  position: z.number().int().nonnegative(),
  exercise: z.boolean().describe('演练: true when the task belongs to a drill'),
});

export function registerTaskRoutes(routes: RouteKit, deps: { pool: Pool; schema: string; commands: TaskCommands }): void {
  routes.route({
    method: 'GET',
    url: '/v1/tasks',
    summary: 'Tasks seen by a command center, newest first, a page at a time (consoles: their own center only)',
    tags: ['tasks'],
    roles: ['console', 'officer'],
    query: PageQuery.extend({
      commandCenterId: z.string().min(1).max(200).optional(),
      status: z.enum(['assigned', 'acknowledged', 'completed']).optional(),
    }),
    responses: { 200: z.object({ tasks: z.array(Task), next: z.string().nullable().describe('the cursor of the next page; null on the last') }) },
    handler: async ({ query, principal }) => {
      let commandCenterId = query.commandCenterId;
      if (principal.role === 'console') {
        if (commandCenterId !== undefined && commandCenterId !== principal.commandCenterId) {
          throw new Forbidden('a console sees only the tasks of its own command center');
        }
        commandCenterId = principal.commandCenterId;
        if (!commandCenterId) throw new Forbidden('console token names no command center');
      }
      const before = decodeCursor(query.cursor, TaskCursor);
      const rows = await readTasks(deps.pool, deps.schema, { commandCenterId, status: query.status, before, limit: query.limit + 1 });
      const { items, next } = pageOf(rows, query.limit, (task) => [task.assignedAt, task.taskId]);
      return { tasks: items, next };
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
