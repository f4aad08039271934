import type { z } from 'zod';
import { accessEvents } from './access.js';
import { alertEvents } from './alert.js';
import { caseEvents } from './case.js';
import { childEvents } from './child.js';
import { dispatchEvents } from './dispatch.js';
import type { EventDefinition } from './define.js';
import { describeZodError } from '../issues.js';
import { decodeWith } from './upcast.js';

export * from './access.js';
export * from './alert.js';
export * from './case.js';
export * from './child.js';
export * from './dispatch.js';
export * from './shared.js';
export { defineEvent, type EventDefinition } from './define.js';

const all = [...alertEvents, ...dispatchEvents, ...caseEvents, ...childEvents, ...accessEvents] as const;
type AnyDefinition = (typeof all)[number];

/** Every event type of the system, by name, with its data type: `EventData<'CaseSolved'>`. */
export type EventType = AnyDefinition['type'];
export type EventData<T extends EventType> = z.infer<Extract<AnyDefinition, { type: T }>['schema']>;
/** A type/data pair for any event in the catalog, discriminated on `type`. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];
export type DomainEventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

const latest = new Map<string, EventDefinition>(all.map((d) => [d.type, d as EventDefinition]));

export const catalog = {
  has: (type: string): boolean => latest.has(type),
  latestVersion: (type: string): number | undefined => latest.get(type)?.version,
  types: (): string[] => [...latest.keys()],
  /** The personal fields of a type's data, as dotted paths; empty when it has none. */
  personalPaths: (type: string): readonly string[] => latest.get(type)?.personal ?? [],
};

export type DecodeResult = { ok: true; event: DomainEvent; version: number } | { ok: false; reason: string };

/**
 * Reads stored or received data back through the catalog: validates it against the schema of its
 * version and upcasts it, step by step, to the latest version. Never throws: an unknown or invalid
 * event is a result the caller reports (dead-letter, log), not a crash.
 */
export function decodeEvent(type: string, version: number, data: unknown): DecodeResult {
  const definition = latest.get(type);
  if (!definition) return { ok: false, reason: `unknown event type ${type}` };
  const result = decodeWith(definition, version, data);
  if (!result.ok) return result;
  return { ok: true, event: { type, data: result.data } as DomainEvent, version: result.version };
}

/** Validates new event data before it is stored; nothing invalid is ever appended. */
export function encodeEvent(event: DomainEvent): { type: string; version: number; data: unknown } {
  const definition = latest.get(event.type);
  if (!definition) throw new Error(`unknown event type ${event.type}`);
  const parsed = definition.schema.safeParse(event.data);
  if (!parsed.success) throw new Error(`invalid ${event.type}: ${describeZodError(parsed.error)}`);
  return { type: event.type, version: definition.version, data: parsed.data };
}
