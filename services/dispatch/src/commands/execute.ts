import { ConcurrencyConflict, decodeStored, type DomainEvent, type EventMetadata, type PgEventStore } from '@rapid-search/events';

/** Reads streams, decides, and appends; a concurrent writer makes it read and decide again. */
export async function execute(
  store: PgEventStore,
  target: string,
  decide: (history: (stream: string) => Promise<DomainEvent[]>, own: DomainEvent[]) => DomainEvent[] | Promise<DomainEvent[]>,
  options: { metadata: EventMetadata; caseId: (events: DomainEvent[]) => string | null; eventId?: (event: DomainEvent, i: number) => string },
): Promise<{ positions: number[]; events: DomainEvent[] }> {
  for (let attempt = 1; ; attempt++) {
    const own = await read(store, target);
    const events = await decide((stream) => (stream === target ? Promise.resolve(own) : read(store, stream)), own);
    if (events.length === 0) return { positions: [], events };
    try {
      const result = await store.append(
        target,
        events.map((event, i) => ({
          event,
          metadata: options.metadata,
          caseId: options.caseId(events),
          ...(options.eventId ? { eventId: options.eventId(event, i) } : {}),
        })),
        { expectedVersion: own.length === 0 ? 'no-stream' : own.length },
      );
      return { positions: result.positions, events };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || attempt >= 5) throw error;
    }
  }
}

export async function read(store: PgEventStore, streamId: string): Promise<DomainEvent[]> {
  const stored = await store.readStream(streamId);
  return stored.map((s) => {
    const d = decodeStored(s);
    if ('error' in d) throw new Error(`stream ${streamId} holds an undecodable event at ${s.position}: ${d.error}`);
    return d.event;
  });
}
