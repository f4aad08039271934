import { handleCommand, loadState, type DomainEvent, type EventMetadata, type HandleOptions, type PgEventStore } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import { caseFile } from './domain/case-file.js';
import type { CaseCommand } from './domain/commands.js';
import { caseStreamId, type CaseState } from './domain/state.js';

export interface CommandOutcome {
  caseId: string;
  version: number;
  appended: DomainEvent['type'][];
  state: CaseState;
}

/** The case file and whether it is a drill's (演练). */
export async function loadCase(store: PgEventStore, caseId: string, tx?: PoolClient): Promise<{ state: CaseState; exercise: boolean }> {
  return loadState(store, caseFile(caseId), caseStreamId(caseId), tx ? { tx } : {});
}

/**
 * A case command through the command handler, with the actor it names written on its events. Of
 * two commands racing on one case, the second fails with ConcurrencyConflict (409) and nothing of
 * it is written; the client reloads and retries. A consumer asks for `retry` instead: a race with
 * an HTTP command is decided again, not dead-lettered.
 */
export async function executeCommand(
  store: PgEventStore,
  command: CaseCommand,
  trace: Pick<EventMetadata, 'correlationId' | 'causationId' | 'exercise'>,
  options: Pick<HandleOptions<CaseState, DomainEvent>, 'tx' | 'eventId' | 'opensStream'> & { retry?: boolean } = {},
): Promise<CommandOutcome> {
  const { id, role, commandCenterId } = command.actor;
  const actor = commandCenterId ? { id, role, commandCenterId } : { id, role };
  const { retry, ...handling } = options;
  const result = await handleCommand(store, caseFile(command.caseId), command, {
    ...handling,
    streamId: caseStreamId(command.caseId),
    metadata: { actor, ...trace },
    caseId: () => command.caseId,
    ...(retry ? {} : { attempts: 1 }),
  });
  return { caseId: command.caseId, version: result.version, appended: result.events.map((e) => e.type), state: result.state };
}
