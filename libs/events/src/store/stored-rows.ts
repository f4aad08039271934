import type { EventMetadata } from '../envelope.js';
import { int8At, type CopyChunk } from './copy-binary.js';
import type { StoredEvent } from './event-store.js';

/**
 * Rows come back as raw text in array mode: no per-column type parsing by the driver, data and
 * metadata as one JSON array parsed once, and the times as UTC text turned into ISO-8601 by string
 * surgery. This is what lets a replay of the whole store run at the speed Postgres serves it.
 */
export const COLUMNS = `position, stream_id, stream_version, event_id, type, schema_version, case_id,
  '[' || data::text || ',' || metadata::text || ']',
  occurred_at AT TIME ZONE 'UTC', recorded_at AT TIME ZONE 'UTC'`;

export const BINARY_COLUMNS = `position, stream_id, stream_version, event_id::text, type, schema_version, case_id, data, metadata,
  (occurred_at AT TIME ZONE 'UTC')::text, (recorded_at AT TIME ZONE 'UTC')::text`;
export const BINARY_WIDTH = 11;

/**
 * Decodes a chunk of binary rows: json columns arrive as their stored text, numbers as integers;
 * the event id and the times are written as text by Postgres, which has a core to spare while Node
 * decodes, in the same form readAll reads them.
 */
export function storedRows({ buf, rows, fields: f }: CopyChunk): StoredEvent[] {
  const out = new Array<StoredEvent>(rows);
  for (let r = 0, o = 0; r < rows; r++, o += BINARY_WIDTH * 2) {
    out[r] = {
      eventId: textAt(buf, f, o + 6),
      type: textAt(buf, f, o + 8),
      version: buf.readInt32BE(f[o + 10]!),
      streamId: textAt(buf, f, o + 2),
      streamVersion: buf.readInt32BE(f[o + 4]!),
      position: int8At(buf, f[o]!),
      caseId: f[o + 13]! < 0 ? null : textAt(buf, f, o + 12),
      metadata: JSON.parse(textAt(buf, f, o + 16)) as EventMetadata,
      occurredAt: isoUtc(textAt(buf, f, o + 18)),
      recordedAt: isoUtc(textAt(buf, f, o + 20)),
      data: JSON.parse(textAt(buf, f, o + 14)) as unknown,
    };
  }
  return out;
}

const textAt = (buf: Buffer, f: Int32Array, i: number): string => buf.toString('utf8', f[i]!, f[i]! + f[i + 1]!);

export const RAW_TEXT = { getTypeParser: () => (value: string) => value };

export type Row = [string, string, string, string, string, string, string | null, string, string, string];

/** "2026-11-22 15:16:38.123456" (a UTC timestamp's text) → "2026-11-22T15:16:38.123456Z". */
const isoUtc = (text: string): string => `${text.slice(0, 10)}T${text.slice(11)}Z`;

export function toStored(r: Row): StoredEvent {
  const [data, metadata] = JSON.parse(r[7]) as [unknown, EventMetadata];
  return {
    eventId: r[3],
    type: r[4],
    version: Number(r[5]),
    streamId: r[1],
    streamVersion: Number(r[2]),
    position: Number(r[0]),
    caseId: r[6],
    metadata,
    occurredAt: isoUtc(r[8]),
    recordedAt: isoUtc(r[9]),
    data,
  };
}
