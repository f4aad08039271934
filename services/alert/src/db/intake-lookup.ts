import type { AlongsideRow } from '@rapid-search/events';
import type { Pool } from 'pg';
import type { AlertState } from '../domain/alert.js';
import type { RecordedAnswer } from '../domain/intake.js';
import { stateOf, type StateRow } from './alert-state.js';

/** What intake decides on besides the report: the key's earlier answer, the child's open alerts, the child's next alert number. */
export interface IntakeLookup {
  prior: RecordedAnswer | null;
  open: AlertState[];
  childVersion: number;
}

/** What a lookup is about: the request's key, and the child the report is of. */
export interface IntakeKey {
  upstreamSystemId: string;
  idempotencyKey: string;
  duplicateKey: string;
}

/**
 * `look_up_intake` (migrations/102), read outside any lock: what it finds is checked at the append,
 * by the expected version of the alert joined, the stream of the alert opened, and the unique key
 * and child alert number that the rows written alongside claim. One snapshot for the keys given.
 */
const LOOKUP = 'SELECT alert.look_up_intake($1, $2, $3) AS found';

const MAX_KEYS = 256;

/**
 * Intake's lookups: those asked for in one turn of the event loop (the requests read together), or
 * while a statement is out, go together as the next one. A burst of reports then costs one round
 * trip to read, as it costs one group commit to append, not a statement each: on a busy intake a
 * statement's round trip, not its work, is what a lookup costs.
 */
export function intakeLookups(pool: Pool): (key: IntakeKey) => Promise<IntakeLookup> {
  const waiting: { key: IntakeKey; resolve: (found: IntakeLookup) => void; reject: (error: unknown) => void }[] = [];
  let reading = false;
  const read = async (): Promise<void> => {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, MAX_KEYS);
      try {
        const { rows } = await pool.query<{ found: { prior: RecordedAnswer | null; open: StateRow[]; childVersion: number }[] }>({
          name: 'alert-intake-lookup',
          text: LOOKUP,
          values: [batch.map((w) => w.key.upstreamSystemId), batch.map((w) => w.key.idempotencyKey), batch.map((w) => w.key.duplicateKey)],
        });
        const found = rows[0]!.found;
        batch.forEach((w, i) => w.resolve({ ...found[i]!, open: found[i]!.open.map(stateOf) }));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    reading = false;
  };
  return (key) =>
    new Promise((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (reading) return;
      reading = true;
      setImmediate(() => void read());
    });
}

/** The answer to a request, recorded under its Idempotency-Key alongside the events it answers; the key is claimed once. */
export const recordedAnswer = (key: { upstreamSystemId: string; idempotencyKey: string }, answered: RecordedAnswer): AlongsideRow => ({
  writer: 'record_answers',
  row: {
    upstream_system_id: key.upstreamSystemId,
    idempotency_key: key.idempotencyKey,
    request_hash: answered.requestHash,
    status_code: answered.status,
    answer: answered.answer,
  },
});
