import { z } from 'zod';

export const Role = z.enum(['upstream', 'console', 'officer', 'civil-affairs', 'lab', 'auditor', 'system']);
export type Role = z.infer<typeof Role>;

/** Who caused an event: written on every event so auditors can see who did what. */
export const Actor = z.object({
  id: z.string().min(1),
  role: Role,
  commandCenterId: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const EventMetadata = z.object({
  actor: Actor,
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  /** 演练 — true on every event a drill causes; such events stay out of every real statistic and the public feed. */
  exercise: z.boolean().optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** What an event caused carries of it: its correlation, the event as cause, and the drill mark. */
export function causedBy(source: { eventId: string; metadata: EventMetadata }): Pick<EventMetadata, 'correlationId' | 'causationId' | 'exercise'> {
  return {
    correlationId: source.metadata.correlationId,
    causationId: source.eventId,
    ...(source.metadata.exercise === true ? { exercise: true } : {}),
  };
}

/** An event as stored and as published on Kafka: the one envelope every reader sees. */
export const EventEnvelope = z.object({
  eventId: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  streamId: z.string().min(1),
  streamVersion: z.number().int().positive(),
  position: z.number().int().positive(),
  caseId: z.string().nullable(),
  metadata: EventMetadata,
  occurredAt: z.iso.datetime({ offset: true }),
  recordedAt: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});
export type EventEnvelope<D = unknown> = Omit<z.infer<typeof EventEnvelope>, 'data'> & { data: D };

export const TOPICS = {
  alert: 'alert.events.v1',
  dispatch: 'dispatch.events.v1',
  ledger: 'ledger.events.v1',
} as const;
export type ServiceName = keyof typeof TOPICS;
/** Topic names carry an optional prefix so parallel test runs on one broker never see each other. */
export const topicOf = (service: ServiceName, prefix = ''): string => `${prefix}${TOPICS[service]}`;
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
