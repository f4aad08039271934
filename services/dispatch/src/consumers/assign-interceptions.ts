import {
  causedBy,
  ConcurrencyConflict,
  deriveId,
  handleCommand,
  type ConsumedEvent,
  type HandleOptions,
  type PgEventStore,
} from '@rapid-search/events';
import { SYSTEM_ACTOR } from '../commands/metadata.js';
import {
  interceptionsDecider,
  interceptionsStream,
  type AssignInterceptions,
  type InterceptionsAssigned,
  type InterceptionsState,
} from '../domain/interceptions.js';

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
  const options: HandleOptions<InterceptionsState, InterceptionsAssigned> = {
    streamId: interceptionsStream(command.caseId),
    metadata: { actor: SYSTEM_ACTOR, ...causedBy(source) },
    caseId: (event) => event.data.caseId,
    eventId: () => deriveId(source.eventId, 'interceptions'),
  };
  if (opensStream) {
    const fresh = { state: interceptionsDecider.initialState(), version: 0, exercise: false };
    try {
      await handleCommand(store, interceptionsDecider, command, { ...options, from: fresh });
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict)) throw error;
    }
  }
  await handleCommand(store, interceptionsDecider, command, options);
}
