import type { EventMetadata, Keyring, PgEventStore } from '@rapid-search/events';
import { executeCommand, type CommandOutcome } from './case-store.js';
import type { CaseCommand } from './domain/commands.js';

type Erasure = Extract<CaseCommand, { kind: 'ErasePersonalData' }>;

/**
 * 个人信息删除: the decision on the case's stream, then its data key destroyed. The record comes
 * first so that an erasure is never done without saying who ordered it and why; a crash between
 * the two leaves a record whose key still stands, which a repeat of the command (decided as
 * nothing, the key destroyed again: erase is idempotent) or the retention sweep finishes.
 */
export async function erasePersonalData(
  store: PgEventStore,
  keyring: Keyring,
  command: Erasure,
  trace: Pick<EventMetadata, 'correlationId' | 'causationId'>,
): Promise<CommandOutcome> {
  const outcome = await executeCommand(store, command, trace);
  await keyring.erase(command.caseId);
  return outcome;
}
