import { newId, type Actor, type DomainEvent, type EventMetadata, type Principal } from '@rapid-search/events';

export function actorOf(principal: Principal): Actor {
  return {
    id: principal.sub,
    role: principal.role,
    ...(principal.commandCenterId === undefined ? {} : { commandCenterId: principal.commandCenterId }),
  };
}

export const SYSTEM_ACTOR: Actor = { id: 'dispatch', role: 'system' };

export function commandMetadata(actor: Actor, correlationId = newId()): EventMetadata {
  return { actor, correlationId, causationId: null };
}

/** The case a dispatch event belongs to: every one of them names it. */
export const caseOf = (event: DomainEvent): string => (event.data as { caseId: string }).caseId;
