import { Forbidden, type RouteKit, type RouteLimit, type TokenVerifier } from '@rapid-search/events';
import { z } from 'zod';
import type { TipRequest, TipAnswer } from '../commands/tips.js';
import { TipBody, type TipVia } from '../domain/tip.js';

/** A tipster learns the reference of the tip and nothing else about the case, the child or the reporter. */
const TipReference = z.object({ tipId: z.string() });
const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 visible ASCII characters');

export function registerTipRoutes(
  routes: RouteKit,
  deps: { receive: (request: TipRequest) => Promise<TipAnswer>; verify: TokenVerifier; limits: readonly RouteLimit[] },
): void {
  routes.route({
    method: 'POST',
    url: '/v1/public/alerts/:alertId/tips',
    summary: 'Tell the police you saw a missing child (线索); the public, or an upstream system on their behalf',
    description:
      'No token needed. An upstream system (团圆, a 110 centre) relaying a tip sends its own API key. ' +
      'Rate-limited per client address and per alert; the same words from one address about one alert are one tip ' +
      '(200 with the first reference), an app’s retries included, whatever Idempotency-Key they carry.',
    tags: ['tips'],
    roles: 'public',
    limits: deps.limits,
    params: z.object({ alertId: z.string().min(1).max(100) }),
    // Apps send an Idempotency-Key, checked like any header; a retry is known by its words, so it names nothing.
    headers: z.looseObject({ 'idempotency-key': IdempotencyKey.optional(), authorization: z.string().max(4000).optional() }),
    body: TipBody,
    responses: {
      201: TipReference.describe('The tip was taken'),
      200: TipReference.describe('The same tip again: its first reference'),
    },
    handler: async ({ params, body, headers, request, reply }) => {
      const via = await viaOf(headers.authorization, deps.verify);
      const { status, tipId } = await deps.receive({
        alertId: params.alertId,
        body,
        via,
        sender: via.channel === 'upstream' ? `upstream:${via.upstreamSystemId}` : `address:${request.ip}`,
        correlationId: request.id,
      });
      return reply.status(status).send({ tipId });
    },
  });
}

/** Anyone may tip; a caller that sends credentials must be an upstream system relaying for the public. */
async function viaOf(authorization: string | undefined, verify: TokenVerifier): Promise<TipVia> {
  if (authorization === undefined) return { channel: 'public' };
  const principal = await verify(authorization);
  if (principal.role !== 'upstream' || !principal.upstreamSystemId) throw new Forbidden('only upstream systems relay tips with credentials');
  return { channel: 'upstream', upstreamSystemId: principal.upstreamSystemId };
}
