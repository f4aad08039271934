import { causedBy, deriveId, startIdempotentConsumer, type ConsumedEvent, type IdempotentConsumer } from '@rapid-search/events';
import type { ServiceRuntime } from '@rapid-search/events';
import { executeCommand } from '../case-store.js';
import type { CaseCommand } from '../domain/commands.js';

const LEDGER = { id: 'ledger', role: 'system', grants: [] } as const;

/**
 * What other services decide about a case enters the case file: the alert service opens the case
 * and records a report withdrawn as false (报警撤回),
 * and dispatch reports parents identified by a confirmed DNA match — of their own sample, or of a
 * child of unknown origin whose confirmed match linked it to the case (比中关联). Each of these commands
 * decides nothing once its effect is in the case file, and the ids of what it appends derive from the
 * source event, so a redelivery changes nothing without a dedupe record: one case's commands run in
 * their order and a chunk's cases side by side, so their appends share the store's group commits.
 */
export function startCaseEventsConsumer(runtime: ServiceRuntime): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}ledger-case-events`,
    topics: [runtime.topics.alert, runtime.topics.dispatch],
    logger: runtime.logger,
    types: ['CaseOpened', 'AlertClosed', 'ParentsIdentifiedByDna', 'UnknownOriginChildMatchedToCase'],
    // It acts on one event per case of the dozens these two topics carry. An officer forms the
    // group seconds after the report, so the case file may open a quarter of a second late, and
    // the broker is asked for these topics a few times a second rather than after every append.
    gatherMs: 250,
    dedupe: 'by-handler',
    handle: async (events) => {
      const commands = events.flatMap((consumed) => {
        const command = commandFor(consumed);
        return command ? [{ consumed, command }] : [];
      });
      const byCase = Map.groupBy(commands, (c) => c.command.caseId);
      const settled = await Promise.allSettled(
        [...byCase.values()].map(async (own) => {
          for (const { consumed, command } of own) await run(runtime, consumed, command);
        }),
      );
      // Every case has finished before a refusal is acted on, so none is still running when the
      // consumer tries the chunk's events again one at a time.
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  });
}

function commandFor(consumed: ConsumedEvent): CaseCommand | null {
  const { event } = consumed;
  switch (event.type) {
    case 'CaseOpened':
      return {
        kind: 'OpenCaseFile',
        caseId: event.data.caseId,
        actor: LEDGER,
        at: event.data.openedAt,
        alertId: event.data.alertId,
        regionCode: event.data.regionCode,
        openedAt: event.data.openedAt,
      };
    case 'AlertClosed':
      if (event.data.reason !== 'withdrawn') return null;
      return { kind: 'RecordWithdrawal', caseId: event.data.caseId, actor: LEDGER, at: event.data.closedAt, alertId: event.data.alertId };
    case 'ParentsIdentifiedByDna':
      return {
        kind: 'IdentifyParents',
        caseId: event.data.caseId,
        actor: LEDGER,
        at: event.data.identifiedAt,
        method: 'dna',
        evidenceRef: event.data.matchRef,
      };
    case 'UnknownOriginChildMatchedToCase':
      return {
        kind: 'IdentifyParents',
        caseId: event.data.caseId,
        actor: LEDGER,
        at: event.data.matchedAt,
        method: 'dna',
        evidenceRef: event.data.matchRef,
      };
    default:
      return null;
  }
}

async function run(runtime: ServiceRuntime, consumed: ConsumedEvent, command: CaseCommand): Promise<void> {
  await executeCommand(runtime.store, command, causedBy(consumed), {
    eventId: (_event, i) => deriveId(consumed.eventId, command.kind, String(i)),
    // The report's case file opens with it: nothing is there to read but on a redelivery.
    opensStream: command.kind === 'OpenCaseFile',
    retry: true,
  });
}
