import type { DomainEvent } from '../catalog/index.js';
import { fold, type Decider } from '../decider.js';

/** The assertions a spec records its verdicts with: tap's `t` has them. */
export interface Assert {
  same(found: unknown, wanted: unknown, message: string): unknown;
  match(found: unknown, pattern: unknown, message: string): unknown;
}

/** How a refused command fails: the error's class, its code, or a pattern of its fields. */
export type Refusal = string | (abstract new (...args: never[]) => Error) | Record<string, unknown>;

/** A command in a history, to be asserted on; each `then…` records one assertion. */
export interface When<Event> {
  /** The events decided, for a test that goes on from them; throws when the command is refused. */
  readonly events: Event[];
  /** Exactly these events are decided. */
  then(expected: readonly Event[], message?: string): void;
  /** One event per pattern is decided, each matching its pattern (tap's `match`). */
  thenMatches(patterns: readonly unknown[], message?: string): void;
  /** No event is decided: the command is already reflected in the history. */
  thenNothingHappened(message?: string): void;
  /** The state the history and the decided events leave matches the pattern. */
  thenState(pattern: unknown, message?: string): void;
  /** The command is refused. */
  thenThrows(refusal: Refusal, message?: string): void;
}

export interface Given<Command, Event> {
  when(command: Command): When<Event>;
}

/**
 * Given/when/then for a decider, recorded on a tap test:
 * `spec(decider)(t).given(events).when(command).then(events)`. The history is folded with the
 * decider's own `evolve`, so a test states facts as events and never builds a state by hand.
 */
export function spec<Command, State, Event extends DomainEvent>(
  decider: Decider<Command, State, Event>,
): (t: Assert) => { given(history: readonly DomainEvent[]): Given<Command, Event> } {
  return (t) => ({
    given: (history) => ({
      when: (command) => {
        const decided = (): Event[] => decider.decide(command, fold(decider, history));
        return {
          get events() {
            return decided();
          },
          then: (expected, message) => void t.same(decided(), expected, message ?? 'decides exactly these events'),
          thenMatches: (patterns, message) => {
            const events = decided();
            t.match({ count: events.length, events }, { count: patterns.length, events: patterns }, message ?? 'decides one event per pattern');
          },
          thenNothingHappened: (message) => void t.same(decided(), [], message ?? 'decides nothing'),
          thenState: (pattern, message) => void t.match(fold(decider, [...history, ...decided()]), pattern, message ?? 'leaves the state'),
          thenThrows: (refusal, message) =>
            void t.match(refusalOf(decided), typeof refusal === 'string' ? { code: refusal } : refusal, message ?? `is refused: ${nameOf(refusal)}`),
        };
      },
    }),
  });
}

/** What deciding threw, or a description that reads as the failure when it threw nothing. */
function refusalOf(decided: () => unknown): unknown {
  try {
    return { accepted: decided() };
  } catch (error) {
    return error;
  }
}

const nameOf = (refusal: Refusal): string =>
  typeof refusal === 'string' ? refusal : typeof refusal === 'function' ? refusal.name : JSON.stringify(refusal);
