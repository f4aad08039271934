import { causedBy, deriveId, handleCommand, type ConsumedEvent, type PgEventStore } from '@rapid-search/events';
import { SYSTEM_ACTOR } from '../commands/metadata.js';
import { interceptionsDecider, interceptionsStream, type AssignInterceptions, type InterceptionsAssigned } from '../domain/interceptions.js';

/**
 * Appends a step's interceptions to the case's stream, under an id derived from the step, so a
 * redelivered step stores nothing twice (the store answers it with the event it holds). The quick
 * search opens the stream, so it is appended without a read: no other step of the case comes
 * before it. Should one have raced it there, the append meets the stream and the quick search is
 * decided again on what the stream holds.
 */
export async function assignInterceptions(
  store: PgEventStore,
  source: ConsumedEvent,
  command: AssignInterceptions,
  opensStream: boolean,
): Promise<void> {
  await handleCommand(store, interceptionsDecider, command, {
    streamId: interceptionsStream(command.caseId),
    metadata: { actor: SYSTEM_ACTOR, ...causedBy(source) },
    caseId: (event: InterceptionsAssigned) => event.data.caseId,
    eventId: () => deriveId(source.eventId, 'interceptions'),
    opensStream,
  });
}
