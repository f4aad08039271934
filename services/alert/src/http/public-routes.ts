import { createHash } from 'node:crypto';
import { NotFound, type PersonalData, type PgEventStore, type RouteKit } from '@rapid-search/events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { readAlertHistory } from '../db/alert-history.js';
import { feedAlertIds } from '../db/alert-reads.js';
import { capAtom } from '../domain/cap/atom.js';
import { capMessages, type AlertHistoryEvent, type CapMessage, type CapProfile } from '../domain/cap/message.js';
import { capXml } from '../domain/cap/xml.js';

/** `RS-<alertId>-<n>`: the n-th message of the alert's release (domain/cap/message.ts). */
const CapIdentifier = z
  .string()
  .max(200)
  .regex(/^RS-[A-Za-z0-9_-]+-[1-9]\d{0,3}$/, 'a CAP identifier issued here: RS-<alertId>-<n>');

/** A message once issued never changes: caches may keep it as long as they like. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The feed changes with every release; distributors poll it. */
const FEED_CACHE = 'public, max-age=30';
/** A cancelled alert's last message stays in the feed this long, so every distributor sees it. */
const CANCELLED_KEPT_MS = 24 * 3_600_000;
const FEED_ALERTS = 500;

export interface PublicDeps {
  pool: Pool;
  store: PgEventStore;
  personal: PersonalData;
  profile: CapProfile;
  baseUrl: string;
}

/** Answers with the bytes, their ETag and caching; 304 when the caller already holds them. */
function send(request: FastifyRequest, reply: FastifyReply, type: string, body: string, cache: string): FastifyReply {
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  reply.header('ETag', etag).header('Cache-Control', cache);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(`${type}; charset=utf-8`).send(body);
}

export function registerPublicRoutes(routes: RouteKit, deps: PublicDeps): void {
  const capUrl = (m: CapMessage) => `${deps.baseUrl}/v1/public/cap/${m.identifier}`;
  /**
   * Alerts' streams with their personal fields opened, in one read of the keys: the release carries
   * the child's name by design, so the messages are built from the clear name, and rebuilt from the
   * same events they are byte-identical as long as the case's key exists, `[erased]` after.
   */
  const openedHistories = async (alertIds: readonly string[]): Promise<AlertHistoryEvent[][]> =>
    deps.personal.open(await Promise.all(alertIds.map((alertId) => readAlertHistory(deps.store, alertId))));

  routes.route({
    method: 'GET',
    url: '/v1/public/cap/:identifier',
    summary: 'One CAP 1.2 message of a public release (信息发布), as application/cap+xml',
    description: 'Public: no token, rate-limited per address. A drill’s messages carry status Exercise.',
    tags: ['public'],
    roles: 'public',
    params: z.object({ identifier: CapIdentifier }),
    responses: { 200: { description: 'The CAP 1.2 document', content: { 'application/cap+xml': { schema: z.string() } } } },
    handler: async ({ params, request, reply }) => {
      const match = /^RS-(.+)-(\d+)$/.exec(params.identifier)!;
      const [history] = await openedHistories([match[1]!]);
      const message = capMessages(history!, deps.profile)[Number(match[2]) - 1];
      if (!message) throw new NotFound('CAP message', params.identifier);
      return send(request, reply, 'application/cap+xml', capXml(message), IMMUTABLE);
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/public/cap.atom',
    summary: 'The public releases as an Atom feed of CAP 1.2 messages: each alert’s latest, cancelled ones for 24 h',
    description:
      'Public: no token, rate-limited per address. `status=Exercise` lists drills only, for their participants; drills never appear otherwise.',
    tags: ['public'],
    roles: 'public',
    query: z.object({ status: z.enum(['Actual', 'Exercise']).default('Actual') }),
    responses: { 200: { description: 'An Atom feed (RFC 4287)', content: { 'application/atom+xml': { schema: z.string() } } } },
    handler: async ({ query, request, reply }) => {
      const now = new Date();
      const entries = [];
      const alertIds = await feedAlertIds(deps.pool, new Date(now.getTime() - CANCELLED_KEPT_MS), FEED_ALERTS, query.status === 'Exercise');
      for (const history of await openedHistories(alertIds)) {
        const latest = capMessages(history, deps.profile).at(-1);
        if (latest && latest.status === query.status) entries.push({ message: latest, href: capUrl(latest) });
      }
      const self = `${deps.baseUrl}/v1/public/cap.atom${query.status === 'Exercise' ? '?status=Exercise' : ''}`;
      const title = query.status === 'Exercise' ? '儿童失踪信息发布（演练） Missing-child alerts (drills)' : '儿童失踪信息发布 Missing-child alerts';
      const xml = capAtom({ id: self, title, author: deps.profile.senderName, self, emptyUpdated: now.toISOString() }, entries);
      return send(request, reply, 'application/atom+xml', xml, FEED_CACHE);
    },
  });
}
