import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { z } from 'zod';
import { ValidationError } from './errors.js';
import { fieldIssues } from './issues.js';

/** `seeds/` at the repository root, unless SEEDS_DIR points elsewhere. */
export function seedsDir(): string {
  return process.env.SEEDS_DIR ?? fileURLToPath(new URL('../../../seeds/', import.meta.url));
}

/** Reads one seed file through its schema; a malformed seed stops the service with the path at fault. */
export function readSeed<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  const path = join(seedsDir(), file);
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error.issues, file));
  return parsed.data;
}
