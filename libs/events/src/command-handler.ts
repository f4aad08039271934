import type { PoolClient } from 'pg';
import type { DomainEvent } from './catalog/index.js';
import type { Decider } from './decider.js';
import type { EventMetadata } from './envelope.js';
import { ConcurrencyConflict } from './errors.js';
import { decodeStored, type PgEventStore } from './store/event-store.js';

/** A state and the version of the stream it was folded from: what the next append expects. */
export interface Loaded<State> {
  state: State;
  version: number;
  /** 演练: a stream read began in a drill, so everything appended is a drill too. */
  exercise: boolean;
}

export interface HandleOptions<State, Event extends DomainEvent> {
  /** The stream the decided events are appended to. */
  streamId: string;
  metadata: EventMetadata;
  /** The case each event belongs to, as its envelope records it. */
  caseId: (event: Event) => string | null;
  /** Ids derived from what the command answers, so a redelivered command stores nothing twice. */
  eventId?: (event: Event, index: number) => string;
  occurredAt?: Date;
  /** The caller's transaction (a consumer's unit of work): read and append in it, not by group commit. */
  tx?: PoolClient;
  /** Streams of other aggregates the decision needs, folded into the state before the target's own. */
  reads?: readonly string[];
  /**
   * The target's state as the caller already read it, under the lock that orders the stream's
   * appends (a projection written in the transaction of every append): the stream is not read,
   * and a conflict is not retried, as there is nothing newer to read.
   */
  from?: Loaded<State>;
  /**
   * The command as a rule opens its stream (a case file opened from the report, a quick search's
   * interceptions): it is first decided without reading the stream, as if it were empty, and
   * appended as the stream's first events. Should the stream hold events after all, that append
   * conflicts and the command is read and decided again like any other. A decision that reads
   * other streams (`reads`) reads them all, as it would without this.
   */
  opensStream?: boolean;
  /** How many times to read and decide when another writer appended first; 1 leaves that to the caller. */
  attempts?: number;
}

export interface HandleResult<State, Event> {
  /** What was decided and appended; empty when the command was already reflected. */
  events: Event[];
  positions: number[];
  /** The target stream's version after the command. */
  version: number;
  /** The state with the appended events folded in. */
  state: State;
}

/** Enough for a race of a consumer and a few HTTP commands on one stream to settle. */
const DEFAULT_ATTEMPTS = 5;

/**
 * Load, decide, append at the version loaded: of two commands racing on one stream, the second
 * append finds the stream moved on and writes nothing (ConcurrencyConflict), and is read and
 * decided again, up to `attempts` times.
 */
export async function handleCommand<Command, State, Event extends DomainEvent>(
  store: PgEventStore,
  decider: Decider<Command, State, Event>,
  command: Command,
  options: HandleOptions<State, Event>,
): Promise<HandleResult<State, Event>> {
  const decideAndAppend = async ({ state, version, exercise }: Loaded<State>, events: Event[]): Promise<HandleResult<State, Event>> => {
    if (events.length === 0) return { events, positions: [], version, state };
    const metadata = exercise ? { ...options.metadata, exercise } : options.metadata;
    const appended = await store.append(
      options.streamId,
      events.map((event, i) => ({
        event,
        caseId: options.caseId(event),
        metadata,
        ...(options.eventId ? { eventId: options.eventId(event, i) } : {}),
        ...(options.occurredAt ? { occurredAt: options.occurredAt } : {}),
      })),
      { expectedVersion: version === 0 ? 'no-stream' : version, ...(options.tx ? { tx: options.tx } : {}) },
    );
    return { events, positions: appended.positions, version: appended.version, state: events.reduce(decider.evolve, state) };
  };

  if (options.opensStream && !options.from && !options.reads?.length) {
    // A guess, and no attempt: what it does not settle (a refusal, nothing to do, a stream that
    // holds events) is read and decided below.
    const empty = { state: decider.initialState(), version: 0, exercise: false };
    const events = attempt(() => decider.decide(command, empty.state));
    const opened = events?.length ? await decideAndAppend(empty, events).catch(unlessConflict) : null;
    if (opened) return opened;
  }
  const attempts = options.from ? 1 : (options.attempts ?? DEFAULT_ATTEMPTS);
  for (let n = 1; ; n++) {
    const loaded = options.from ?? (await loadState(store, decider, options.streamId, options));
    try {
      return await decideAndAppend(loaded, decider.decide(command, loaded.state));
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || n >= attempts) throw error;
    }
  }
}

/** What a function returns, or null when it throws. */
function attempt<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** Null for a conflict, which the caller reads and decides again; any other error is thrown on. */
function unlessConflict(error: unknown): null {
  if (error instanceof ConcurrencyConflict) return null;
  throw error;
}

/** Folds `reads` and then the stream itself into the decider's state, at the stream's version. */
export async function loadState<State>(
  store: PgEventStore,
  decider: Pick<Decider<never, State>, 'evolve' | 'initialState'>,
  streamId: string,
  options: { tx?: PoolClient; reads?: readonly string[] } = {},
): Promise<Loaded<State>> {
  let state = decider.initialState();
  let version = 0;
  let exercise = false;
  // One after the other: a transaction's client takes one query at a time.
  for (const id of [...(options.reads ?? []), streamId]) {
    const stored = await store.readStream(id, options.tx ? { tx: options.tx } : {});
    for (const s of stored) {
      const decoded = decodeStored(s);
      if ('error' in decoded) throw new Error(`stream ${id} holds an undecodable event ${s.eventId}: ${decoded.error}`);
      state = decider.evolve(state, decoded.event);
    }
    version = stored.at(-1)?.streamVersion ?? 0;
    // A stream that began in a drill is a drill's, and so is whatever a decision read from it makes.
    if (stored[0]?.metadata.exercise === true) exercise = true;
  }
  return { state, version, exercise };
}
