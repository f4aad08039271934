import { ConcurrencyConflict, decodeStored, type DomainEvent, type EventMetadata, type PgEventStore } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import type { CaseCommand } from './domain/commands.js';
import { decide } from './domain/decide.js';
import { caseStreamId, evolve, initialState, type CaseState } from './domain/state.js';

export interface CommandOutcome {
  caseId: string;
  version: number;
  appended: DomainEvent['type'][];
  state: CaseState;
}

export async function loadCase(store: PgEventStore, caseId: string, tx?: PoolClient): Promise<CaseState> {
  const stored = await store.readStream(caseStreamId(caseId), tx ? { tx } : {});
  let state = initialState(caseId);
  for (const s of stored) {
    const decoded = decodeStored(s);
    if ('error' in decoded) throw new Error(`case ${caseId} holds an unreadable event ${s.eventId}: ${decoded.error}`);
    state = evolve(state, decoded.event);
  }
  return state;
}

/**
 * Load, decide, append with the loaded version as the expected one: of two commands racing on one
 * case, the second append finds the stream moved on and fails with ConcurrencyConflict (409), and
 * nothing of it is written; the client reloads and retries.
 */
export async function executeCommand(
  store: PgEventStore,
  command: CaseCommand,
  trace: Pick<EventMetadata, 'correlationId' | 'causationId'>,
  options: { tx?: PoolClient; eventIds?: (index: number) => string } = {},
): Promise<CommandOutcome> {
  const state = await loadCase(store, command.caseId, options.tx);
  const events = decide(command, state);
  if (events.length === 0) return { caseId: command.caseId, version: state.version, appended: [], state };
  const { id, role, commandCenterId } = command.actor;
  const actor = commandCenterId ? { id, role, commandCenterId } : { id, role };
  const result = await store.append(
    caseStreamId(command.caseId),
    events.map((event, i) => ({
      event,
      caseId: command.caseId,
      metadata: { actor, ...trace },
      ...(options.eventIds ? { eventId: options.eventIds(i) } : {}),
    })),
    { expectedVersion: state.version, ...(options.tx ? { tx: options.tx } : {}) },
  );
  return { caseId: command.caseId, version: result.version, appended: events.map((e) => e.type), state: events.reduce(evolve, state) };
}

/** For consumers: a race with an HTTP command on the same case is retried, not dead-lettered. */
export async function executeWithRetry(
  ...args: Parameters<typeof executeCommand>
): Promise<CommandOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await executeCommand(...args);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || attempt >= 5) throw error;
    }
  }
}
