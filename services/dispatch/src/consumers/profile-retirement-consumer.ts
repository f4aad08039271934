import { startIdempotentConsumer, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';

/**
 * The case events after which a case's parents' profiles must find no child: a child of unknown
 * origin is matched to an open case only (a solved or withdrawn case's child is accounted for), and
 * an erased case's blind indexes are the last trace of its DNA references here.
 */
const RETIRING = ['CaseSolved', 'ReportWithdrawn', 'PersonalDataErased'] as const;

/** Takes a case's profiles out of the blind index once it is solved, withdrawn or erased; idempotent, so no dedupe record. */
export function startProfileRetirementConsumer(runtime: ServiceRuntime): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}dispatch-profile-retirement`,
    topics: [runtime.topics.ledger],
    logger: runtime.logger,
    types: RETIRING,
    // A case closes once: a second spent gathering delays nothing that matters.
    gatherMs: 1000,
    dedupe: 'by-handler',
    handle: async (events) => {
      const cases = [...new Set(events.flatMap((e) => (e.caseId ? [e.caseId] : [])))];
      if (cases.length > 0)
        await runtime.pool.query(`DELETE FROM ${runtime.store.schema}.dna_profile_index WHERE case_id = ANY($1::text[])`, [cases]);
    },
  });
}
