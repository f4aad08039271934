import { Actor, decodeStored, newId, type PersonalData, type RouteKit } from '@rapid-search/events';
import { z } from 'zod';
import { dnaCallerOf, maskDnaRefs, type DnaCommands } from '../commands/dna-commands.js';

const Id = z.string().min(1).max(200);
const TaskParams = z.object({ taskId: Id });
const SampleParams = z.object({ taskId: Id, sampleId: Id });
const Result = z.object({ taskId: z.string(), positions: z.array(z.number().int().nonnegative()), types: z.array(z.string()) });
const Custody = z.object({
  taskId: z.string(),
  steps: z.array(
    z.object({
      position: z.number().int().nonnegative(),
      type: z.string(),
      actor: Actor,
      recordedAt: z.string(),
      data: z.record(z.string(), z.unknown()).describe("the event's data; DNA references masked for non-police, opened for police and the lab"),
    }),
  ),
});

/**
 * The chain of custody: police collect and seal, the lab receives and reports. DNA references are
 * sealed in the store; a reader who sees them gets them opened once masking has had its say.
 */
export function registerDnaRoutes(routes: RouteKit, dna: DnaCommands, personal: PersonalData): void {
  routes.route({
    method: 'GET',
    url: '/v1/dna/tasks/:taskId/custody',
    summary: 'The chain of custody of a DNA task: every step with who and when (DNA references masked for non-police)',
    tags: ['dna'],
    roles: ['officer', 'console', 'lab', 'auditor'],
    params: TaskParams,
    responses: { 200: Custody },
    handler: async ({ params, principal }) => {
      const stored = await dna.custody(params.taskId, dnaCallerOf(principal));
      const steps = stored.map((s) => {
        const d = decodeStored(s);
        const data = 'error' in d ? {} : (d.data as Record<string, unknown>);
        return { position: s.position, type: s.type, actor: s.metadata.actor, recordedAt: s.recordedAt, data: maskDnaRefs(data, principal.role) };
      });
      return { taskId: params.taskId, steps: await personal.open(steps) };
    },
  });
  routes.route({
    method: 'POST',
    url: '/v1/dna/tasks/:taskId/samples',
    summary: 'Record the collection of a blood sample (police only)',
    tags: ['dna'],
    roles: ['officer', 'console'],
    params: TaskParams,
    body: z.object({ sampleId: Id.optional(), donor: z.enum(['mother', 'father', 'guardian', 'child']) }),
    responses: { 201: Result.extend({ sampleId: z.string() }) },
    handler: async ({ params, body, principal, reply }) => {
      const sampleId = body.sampleId ?? `dna-sample-${newId()}`;
      const result = await dna.collect(params.taskId, sampleId, body.donor, dnaCallerOf(principal));
      reply.status(201);
      return { ...result, sampleId };
    },
  });
  routes.route({
    method: 'POST',
    url: '/v1/dna/tasks/:taskId/samples/:sampleId/seal',
    summary: 'Seal a collected sample',
    tags: ['dna'],
    roles: ['officer', 'console'],
    params: SampleParams,
    body: z.object({ sealNumber: z.string().min(1).max(100) }),
    responses: { 200: Result },
    handler: ({ params, body, principal }) => dna.seal(params.taskId, params.sampleId, body.sealNumber, dnaCallerOf(principal)),
  });
  routes.route({
    method: 'POST',
    url: '/v1/dna/tasks/:taskId/samples/:sampleId/receipt',
    summary: 'The lab received the sealed sample',
    tags: ['dna'],
    roles: ['lab'],
    params: SampleParams,
    body: z.object({ labId: Id }),
    responses: { 200: Result },
    handler: ({ params, body, principal }) => dna.receive(params.taskId, params.sampleId, body.labId, dnaCallerOf(principal)),
  });
  routes.route({
    method: 'POST',
    url: '/v1/dna/tasks/:taskId/results',
    summary: "The lab's result: profile entered into the DNA database, match, or no match",
    tags: ['dna'],
    roles: ['lab'],
    params: TaskParams,
    body: z.discriminatedUnion('result', [
      z.object({ sampleId: Id, labId: Id, result: z.literal('profile-entered'), profileRef: Id }),
      z.object({
        sampleId: Id,
        labId: Id,
        result: z.literal('match'),
        matchRef: Id.describe("for a child of unknown origin's sample: the profileRef of the parents' profile it matched"),
      }),
      z.object({ sampleId: Id, labId: Id, result: z.literal('no-match') }),
    ]),
    responses: { 200: Result },
    handler: ({ params, body, principal }) => {
      const { sampleId, labId, ...result } = body;
      return dna.result(params.taskId, sampleId, labId, result, dnaCallerOf(principal));
    },
  });
}
