import { IsoTime, Latitude, Longitude, RegionCode, type RouteKit } from '@rapid-search/events';
import { z } from 'zod';
import type { ChildCommands } from '../commands/child-commands.js';

const Text = z.string().min(1).max(500);
const Ref = z.string().min(1).max(200);
const ChildBody = z.object({
  foundAt: IsoTime,
  place: z.object({ lat: Latitude, lon: Longitude, regionCode: RegionCode, address: Text.optional() }),
  apparentAgeYears: z.number().int().min(0).max(18),
  sex: z.enum(['female', 'male', 'unknown']),
  circumstances: z.enum(['begging', 'household', 'hospital', 'welfare-institution', 'registration-application']),
  placement: z.object({ kind: z.enum(['household', 'institution']), id: Ref.optional(), address: Text.optional() }).optional(),
});
const Check = z.object({
  checkId: z.string(),
  childRef: z.string(),
  status: z.enum(['cleared', 'blocked', 'pending']),
  taskId: z.string().describe('the DNA-sampling task of the child, whose chain of custody decides the answer'),
  sampleId: z.string().optional().describe('the sample whose comparison cleared or blocked the registration'),
  caseRef: z.string().optional().describe("blocked: the case the child's confirmed match linked it to, for an officer with authority over the case"),
  checkedAt: z.string(),
});

/** 来历不明儿童 and the household-registration gate (落户核查). */
export function registerChildRoutes(routes: RouteKit, children: ChildCommands): void {
  routes.route({
    method: 'POST',
    url: '/v1/dna/unknown-origin-children',
    summary: '来历不明儿童 — record a child of unknown origin (or an adopted child applying for registration); opens its DNA-sampling task',
    tags: ['dna'],
    roles: ['officer', 'console'],
    body: ChildBody,
    responses: { 201: z.object({ childRef: z.string(), taskId: z.string(), commandCenterId: z.string() }) },
    handler: async ({ body, principal, reply }) => {
      const { placement, place, ...rest } = body;
      const { address, ...point } = place;
      const recorded = await children.record(
        { ...rest, place: { ...point, ...(address ? { address } : {}) }, ...(placement ? { placement: definedOf(placement) } : {}) },
        principal,
      );
      reply.status(201);
      return recorded;
    },
  });
  routes.route({
    method: 'POST',
    url: '/v1/registration-checks',
    summary: '落户核查 — may the child be registered in a household? (officer with grant household-registration)',
    tags: ['dna'],
    roles: ['officer'],
    body: z.object({ childRef: Ref }),
    responses: { 200: Check },
    handler: async ({ body, principal }) => {
      const { checkId, childRef, status, taskId, sampleId, caseRef, checkedAt } = await children.check(body.childRef, principal);
      return { checkId, childRef, status, taskId, checkedAt, ...(sampleId ? { sampleId } : {}), ...(caseRef ? { caseRef } : {}) };
    },
  });
}

/** zod leaves absent optional keys as undefined; the event schema wants them absent. */
function definedOf<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
