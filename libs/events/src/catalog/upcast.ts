import { describeZodError } from '../issues.js';
import type { EventDefinition } from './define.js';

export type UpcastResult = { ok: true; data: unknown; version: number } | { ok: false; reason: string };

/**
 * Validates data of one version of a definition and lifts it, one step at a time, to the latest
 * version. Each step's input is validated against that version's schema first.
 */
export function decodeWith(definition: EventDefinition, version: number, data: unknown): UpcastResult {
  const { type } = definition;
  if (version !== definition.version) {
    const steps = (definition.history ?? []).filter((h) => h.version >= version).sort((a, b) => a.version - b.version);
    if (steps[0]?.version !== version) return { ok: false, reason: `unknown version ${version} of ${type}` };
    for (const step of steps) {
      const parsed = step.schema.safeParse(data);
      if (!parsed.success) return { ok: false, reason: `${type} v${step.version}: ${describeZodError(parsed.error)}` };
      data = step.upcast(parsed.data as never);
    }
  }
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: `${type} v${definition.version}: ${describeZodError(parsed.error)}` };
  return { ok: true, data: parsed.data, version: definition.version };
}
