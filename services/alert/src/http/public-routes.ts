import { createHash } from 'node:crypto';
import { Forbidden, NotFound, Unauthenticated, type PersonalData, type PgEventStore, type RouteKit, type TokenVerifier } from '@rapid-search/events';
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
/** A drill's messages and feed are for its participants: no shared cache may keep them. */
const DRILL_IMMUTABLE = 'private, max-age=31536000, immutable';
const DRILL_FEED_CACHE = 'private, max-age=30';
/** A cancelled alert's last message stays in the feed this long, so every distributor sees it. */
const CANCELLED_KEPT_MS = 24 * 3_600_000;
const FEED_ALERTS = 500;
/** Who takes part in a drill and so may read its messages: the systems, centres and officers that run it, and auditors. */
const DRILL_ROLES = new Set(['upstream', 'console', 'officer', 'auditor']);

export interface PublicDeps {
  pool: Pool;
  store: PgEventStore;
  personal: PersonalData;
  profile: CapProfile;
  baseUrl: string;
  verify: TokenVerifier;
}

/** Answers with the bytes, their ETag and caching; 304 when the caller already holds them. */
function send(request: FastifyRequest, reply: FastifyReply, type: string, body: string, cache: string): FastifyReply {
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  reply.header('ETag', etag).header('Cache-Control', cache);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(`${type}; charset=utf-8`).send(body);
}

export function registerPublicRoutes(routes: RouteKit, deps: PublicDeps): void {
  /** Whether the caller takes part in drills; a token that does not verify is refused as on any route. */
  const isParticipant = async (authorization: string | undefined): Promise<boolean> =>
    authorization !== undefined && DRILL_ROLES.has((await deps.verify(authorization)).role);
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
    description:
      'Public: no token, rate-limited per address. A drill’s messages (status Exercise) are served only to its participants (a token or API key of an upstream system, a console, an officer or an auditor): to anyone else they do not exist (404).',
    tags: ['public'],
    roles: 'public',
    params: z.object({ identifier: CapIdentifier }),
    responses: { 200: { description: 'The CAP 1.2 document', content: { 'application/cap+xml': { schema: z.string() } } } },
    handler: async ({ params, request, reply }) => {
      const match = /^RS-(.+)-(\d+)$/.exec(params.identifier)!;
      const [history] = await openedHistories([match[1]!]);
      const message = capMessages(history!, deps.profile)[Number(match[2]) - 1];
      const drill = message?.status === 'Exercise';
      if (!message || (drill && !(await isParticipant(request.headers.authorization)))) throw new NotFound('CAP message', params.identifier);
      return send(request, reply, 'application/cap+xml', capXml(message), drill ? DRILL_IMMUTABLE : IMMUTABLE);
    },
  });

  routes.route({
    method: 'GET',
    url: '/v1/public/cap.atom',
    summary: 'The public releases as an Atom feed of CAP 1.2 messages: each alert’s latest, cancelled ones for 24 h',
    description:
      'Public: no token, rate-limited per address. `status=Exercise` lists drills only, for their participants (401 without credentials, 403 for other roles); drills never appear otherwise.',
    tags: ['public'],
    roles: 'public',
    query: z.object({ status: z.enum(['Actual', 'Exercise']).default('Actual') }),
    responses: { 200: { description: 'An Atom feed (RFC 4287)', content: { 'application/atom+xml': { schema: z.string() } } } },
    handler: async ({ query, request, reply }) => {
      const drills = query.status === 'Exercise';
      if (drills && request.headers.authorization === undefined) throw new Unauthenticated('the drills’ feed is for their participants');
      if (drills && !(await isParticipant(request.headers.authorization))) throw new Forbidden('the drills’ feed is for their participants');
      const now = new Date();
      const entries = [];
      const alertIds = await feedAlertIds(deps.pool, new Date(now.getTime() - CANCELLED_KEPT_MS), FEED_ALERTS, drills);
      for (const history of await openedHistories(alertIds)) {
        const latest = capMessages(history, deps.profile).at(-1);
        if (latest && latest.status === query.status) entries.push({ message: latest, href: capUrl(latest) });
      }
      const self = `${deps.baseUrl}/v1/public/cap.atom${drills ? '?status=Exercise' : ''}`;
      const title = drills ? '儿童失踪信息发布（演练） Missing-child alerts (drills)' : '儿童失踪信息发布 Missing-child alerts';
      const xml = capAtom({ id: self, title, author: deps.profile.senderName, self, emptyUpdated: now.toISOString() }, entries);
      return send(request, reply, 'application/atom+xml', xml, drills ? DRILL_FEED_CACHE : FEED_CACHE);
    },
  });
}
