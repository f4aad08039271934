import type { KafkaMessage } from 'kafkajs';
import type { DomainEvent } from '../catalog/index.js';
import { decodeEvent } from '../catalog/index.js';
import { EventEnvelope } from '../envelope.js';
import { describeZodError } from '../issues.js';

/**
 * A message as a consumer that takes only `accepts` (all types when null) sees it: a catalog event
 * in its envelope, a reason to dead-letter it, or 'not-ours'.
 */
export function decodeMessage(
  message: KafkaMessage,
  accepts: ReadonlySet<string> | null,
): { envelope: EventEnvelope<unknown>; event: DomainEvent } | { error: string } | 'not-ours' {
  // The relay names the type in a header: a message of another type is passed over unparsed.
  const header = message.headers?.['event-type'];
  if (accepts && header !== undefined && !Array.isArray(header) && !accepts.has(header.toString())) return 'not-ours';
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return { error: 'value is not JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (accepts && typeof type === 'string' && !accepts.has(type)) return 'not-ours';
  const envelope = EventEnvelope.safeParse(json);
  if (!envelope.success) return { error: `not an event envelope: ${describeZodError(envelope.error)}` };
  const result = decodeEvent(envelope.data.type, envelope.data.version, envelope.data.data);
  if (!result.ok) return { error: result.reason };
  return { envelope: { ...envelope.data, version: result.version, data: result.event.data }, event: result.event };
}
