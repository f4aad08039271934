import t, { type Test } from 'tap';
import type { DomainEvent } from '../catalog/index.js';
import type { Decider } from '../decider.js';
import { NotFound, RuleViolation } from '../errors.js';
import { spec, type Assert } from './decider-spec.js';

const closed = (reason: string): DomainEvent => ({
  type: 'AlertClosed',
  data: { caseId: 'c1', alertId: 'a1', reason, closedAt: '2026-11-22T10:00:00.000Z' },
});

/** Closes with every reason asked, refusing one already given; `twice` closes with it twice. */
const closing: Decider<{ reason: string; twice?: boolean }, string[]> = {
  initialState: () => [],
  evolve: (seen, event) => (event.type === 'AlertClosed' ? [...seen, event.data.reason] : seen),
  decide: ({ reason, twice }, seen) => {
    if (seen.includes(reason)) throw new RuleViolation('ALREADY_SAID', `${reason} was said`);
    if (reason === 'missing') throw new NotFound('alert', 'a1');
    return twice ? [closed(reason), closed(reason)] : [closed(reason)];
  },
};

/** The verdicts a spec asks for, kept to be judged by the real assertions. */
function recorder(): Assert & { verdicts: { kind: 'same' | 'match'; found: unknown; wanted: unknown }[] } {
  const verdicts: { kind: 'same' | 'match'; found: unknown; wanted: unknown }[] = [];
  return {
    verdicts,
    same: (found, wanted) => verdicts.push({ kind: 'same', found, wanted }),
    match: (found, wanted) => verdicts.push({ kind: 'match', found, wanted }),
  };
}
const judge = (t: Test, verdict: { kind: 'same' | 'match'; found: unknown; wanted: unknown } | undefined, holds: boolean, message: string) => {
  const { kind, found, wanted } = verdict!;
  if (kind === 'same') return holds ? t.same(found, wanted, message) : t.notSame(found, wanted, message);
  return holds ? t.match(found, wanted, message) : t.notMatch(found, wanted, message);
};

t.test('given a history, when a command is decided, then the events and the state it leaves are what the test states', async (t) => {
  spec(closing)(t)
    .given([closed('first')])
    .when({ reason: 'second' })
    .then([closed('second')]);
  spec(closing)(t)
    .given([closed('first')])
    .when({ reason: 'second' })
    .thenMatches([{ data: { reason: 'second' } }]);
  spec(closing)(t)
    .given([closed('first')])
    .when({ reason: 'second' })
    .thenState(['first', 'second']);
  t.same(spec(closing)(t).given([]).when({ reason: 'only' }).events, [closed('only')], 'the decided events are handed out');
});

t.test('when the events decided are more than the patterns, then thenMatches fails', async (t) => {
  const r = recorder();
  spec(closing)(r)
    .given([])
    .when({ reason: 'again', twice: true })
    .thenMatches([{ type: 'AlertClosed' }]);
  judge(t, r.verdicts[0], false, 'two events do not match one pattern');
});

t.test('when a command is refused, then thenThrows knows it by code, by class or by fields, and nothing else passes', async (t) => {
  spec(closing)(t)
    .given([closed('first')])
    .when({ reason: 'first' })
    .thenThrows('ALREADY_SAID');
  spec(closing)(t).given([]).when({ reason: 'missing' }).thenThrows(NotFound);
  spec(closing)(t).given([]).when({ reason: 'missing' }).thenThrows({ code: 'NOT_FOUND', status: 404 });
  const r = recorder();
  spec(closing)(r).given([]).when({ reason: 'accepted' }).thenThrows('ALREADY_SAID');
  spec(closing)(r).given([]).when({ reason: 'missing' }).thenThrows(RuleViolation);
  judge(t, r.verdicts[0], false, 'a command accepted is not a refusal');
  judge(t, r.verdicts[1], false, 'an error of another class is not the refusal');
});

t.test('when a command decides something, then thenNothingHappened fails', async (t) => {
  const r = recorder();
  spec(closing)(r).given([]).when({ reason: 'news' }).thenNothingHappened();
  judge(t, r.verdicts[0], false, 'an event decided is something happening');
});
