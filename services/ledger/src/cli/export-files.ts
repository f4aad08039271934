import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { SignedCheckpoint } from '../checkpoints/signing.js';

/** The lines of an NDJSON file, read as a stream: an export of any size is never held whole. */
export const fileLines = (path: string): AsyncIterable<string> => createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });

/** A checkpoint file as an auditor keeps it: one checkpoint (POST's answer), an array of them, or GET's page. */
const CheckpointFile = z.union([
  SignedCheckpoint.transform((c) => [c]),
  z.array(SignedCheckpoint),
  z.object({ items: z.array(SignedCheckpoint) }).transform((p) => p.items),
]);

export function readCheckpoints(path: string): SignedCheckpoint[] {
  const parsed = CheckpointFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path} holds no checkpoint: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}
