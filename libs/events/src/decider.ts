import type { DomainEvent } from './catalog/index.js';

/**
 * An aggregate's rules as pure functions. `decide` answers a command in the state the recorded
 * events leave, with the events to append (none when the command is already reflected), or throws
 * the rule it breaks; `evolve` folds one recorded event in, from `initialState`. Reading and
 * appending are the command handler's; a test gives events and a command and reads the answer.
 */
export interface Decider<Command, State, Event extends DomainEvent = DomainEvent> {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: DomainEvent) => State;
  initialState: () => State;
}

/** The state a history leaves. */
export function fold<State>(decider: Pick<Decider<never, State>, 'evolve' | 'initialState'>, events: readonly DomainEvent[]): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
