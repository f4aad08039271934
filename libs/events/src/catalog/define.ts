import type { z } from 'zod';

/** One version of one event type: its schema, and how to lift the previous version to it. */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly version: number;
  readonly schema: S;
  /**
   * Dotted paths of the data's personal fields (个人信息: names, phones, DNA references): sealed
   * under the case's data key before they are stored or published, opened only at a reader's edge.
   */
  readonly personal?: readonly string[];
  /** Older versions, each with an upcaster to the next one; readers only ever see the latest. */
  readonly history?: readonly { version: number; schema: z.ZodType; upcast: (data: never) => unknown }[];
}

export function defineEvent<const T extends string, S extends z.ZodType>(definition: EventDefinition<T, S>): EventDefinition<T, S> {
  return definition;
}
