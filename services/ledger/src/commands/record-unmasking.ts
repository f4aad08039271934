import type { PgEventStore, UnmaskedScope } from '@rapid-search/events';
import type { FastifyRequest } from 'fastify';
import { decideUnmasking, type PersonalDataRead } from '../domain/unmasking.js';

/** One case's unmaskings share a stream; reads of the chain, by cursor or by source stream, share another. */
const unmaskingStreamId = (scope: UnmaskedScope): string => (scope.kind === 'case' ? `unmaskings-${scope.caseId}` : 'unmaskings-ledger');

/**
 * Records a read that unmasks personal data under a grant, through the store (so it is published
 * on ledger.events.v1 and enters the chain), and only then lets the read go on: when the append
 * fails, the read fails with it. A read that unmasks nothing under a grant records nothing.
 */
export async function recordUnmasking(store: PgEventStore, request: FastifyRequest, read: Omit<PersonalDataRead, 'route' | 'at'>): Promise<void> {
  const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
  const events = decideUnmasking({ ...read, route, at: new Date().toISOString() });
  if (events.length === 0) return;
  const caseId = read.scope.kind === 'case' ? read.scope.caseId : null;
  const actor = { id: read.reader.officerId ?? read.reader.sub, role: read.reader.role };
  await store.append(
    unmaskingStreamId(read.scope),
    events.map((event) => ({ event, caseId, metadata: { actor, correlationId: String(request.id), causationId: null } })),
    { expectedVersion: 'any' },
  );
}
