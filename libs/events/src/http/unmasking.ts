import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UnmaskingReason, type UnmaskedScope } from '../catalog/index.js';
import type { PgEventStore } from '../store/event-store.js';
import { decideUnmasking, type PersonalDataRead } from '../unmasking.js';

/** `?reason=` of a read that may show personal data: under a grant, the read is refused without it. */
export const ReasonQuery = z.object({
  reason: UnmaskingReason.optional().describe(
    'why you read personal data (1–500 characters): required under the grant personal-data, where the read is recorded as PersonalDataUnmasked; reads by role and masked reads need none',
  ),
});

/** One case's unmaskings share a stream; reads of the whole chain, by cursor or by source stream, share another. */
const unmaskingStreamId = (scope: UnmaskedScope): string => (scope.kind === 'case' ? `unmaskings-${scope.caseId}` : 'unmaskings-ledger');

/**
 * Records a read that unmasks personal data under a grant, through the service's store (so it is
 * published on its topic and enters the ledger's chain), and only then lets the read go on: when
 * the append fails, the read fails with it. Any other read records nothing.
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
