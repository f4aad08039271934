import { causedBy, deriveId, eachEvent, startIdempotentConsumer, type ConsumedEvent, type IdempotentConsumer } from '@rapid-search/events';
import type { ServiceRuntime } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import { executeCommand } from '../case-store.js';
import type { CaseCommand } from '../domain/commands.js';

const LEDGER = { id: 'ledger', role: 'system', grants: [] } as const;

/**
 * What other services decide about a case enters the case file: the alert service opens the case
 * and records a report withdrawn as false (报警撤回),
 * and dispatch reports parents identified by a confirmed DNA match — of their own sample, or of a
 * child of unknown origin whose confirmed match linked it to the case (比中关联). Event ids derive from the source
 * event, and the append runs in the dedupe transaction, so a redelivery changes nothing.
 */
export function startCaseEventsConsumer(runtime: ServiceRuntime): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    pool: runtime.pool,
    schema: 'ledger',
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}ledger-case-events`,
    topics: [runtime.topics.alert, runtime.topics.dispatch],
    logger: runtime.logger,
    types: ['CaseOpened', 'AlertClosed', 'ParentsIdentifiedByDna', 'UnknownOriginChildMatchedToCase'],
    // It acts on one event per case of the dozens these two topics carry. An officer forms the
    // group seconds after the report, so the case file may open a quarter of a second late, and
    // the broker is asked for these topics a few times a second rather than after every append.
    gatherMs: 250,
    handle: eachEvent(async (consumed, tx) => {
      const command = commandFor(consumed);
      if (command) await run(runtime, consumed, command, tx);
    }),
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

async function run(runtime: ServiceRuntime, consumed: ConsumedEvent, command: CaseCommand, tx: PoolClient): Promise<void> {
  await executeCommand(runtime.store, command, causedBy(consumed), {
    tx,
    eventId: (_event, i) => deriveId(consumed.eventId, command.kind, String(i)),
    retry: true,
  });
}
