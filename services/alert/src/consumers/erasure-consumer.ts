import { startIdempotentConsumer, type IdempotentConsumer, type ServiceRuntime } from '@rapid-search/events';

/**
 * 个人信息删除: once the ledger has destroyed a case's key, its alert's duplicate key — a blind
 * index of the child's name and birth — is the last thing here that could still tell whether a
 * given child was ever reported. It is replaced by one that matches nothing, so no later report
 * joins the erased case. Idempotent, so no dedupe record is needed.
 */
export function startErasureConsumer(runtime: ServiceRuntime): Promise<IdempotentConsumer> {
  return startIdempotentConsumer({
    kafka: runtime.kafka,
    metrics: runtime.metrics,
    groupId: `${runtime.config.KAFKA_TOPIC_PREFIX}alert.erasures`,
    topics: [runtime.topics.ledger],
    logger: runtime.logger,
    types: ['PersonalDataErased'],
    // An erasure comes days after a case closed: gathering for a second delays nothing that matters.
    gatherMs: 1000,
    dedupe: 'by-handler',
    handle: async (events) => {
      for (const { caseId } of events) {
        if (caseId) await runtime.pool.query(`UPDATE alert.alerts SET duplicate_key = 'erased:' || alert_id WHERE case_id = $1`, [caseId]);
      }
    },
  });
}
