import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from scripts/dist/src/ where this module runs. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DATA_DIR = join(ROOT, '.data');
const SECRET_FILE = join(DATA_DIR, 'dev-jwt-secret');

/**
 * The token-signing key: RS_JWT_SECRET when set, else a dev key generated on first start into
 * .data/ (never committed), so `npm run token` signs tokens the running system accepts.
 */
export function jwtSecret(options: { create: boolean }): string {
  if (process.env.RS_JWT_SECRET) return process.env.RS_JWT_SECRET;
  if (existsSync(SECRET_FILE)) return readFileSync(SECRET_FILE, 'utf8').trim();
  if (!options.create) {
    throw new Error('no signing key yet: start the system once with `npm start` (it creates .data/dev-jwt-secret) or set RS_JWT_SECRET');
  }
  mkdirSync(dirname(SECRET_FILE), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}
