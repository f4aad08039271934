import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningJwk, Jwks, PrivateJwk, publicJwkOf, signingKeyOf, type SigningKey } from '@rapid-search/events';

/** The repository root, from scripts/dist/src/ where this module runs. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What `npm start` keeps (signing key, logs, an embedded Postgres): RS_DATA_DIR, else the repository's .data/. */
export const DATA_DIR = process.env.RS_DATA_DIR ? resolve(process.env.RS_DATA_DIR) : join(ROOT, '.data');
const KEY_FILE = join(DATA_DIR, 'token-signing-key.json');

/**
 * The issuer's Ed25519 key: RS_TOKEN_SIGNING_KEY (a private JWK in JSON) when set, else a dev key
 * generated on first start into .data/ (never committed), so `npm run token` signs tokens the
 * running system accepts. The services are given only its public half.
 */
export function signingJwk(options: { create: boolean }): PrivateJwk {
  if (process.env.RS_TOKEN_SIGNING_KEY) return PrivateJwk.parse(JSON.parse(process.env.RS_TOKEN_SIGNING_KEY));
  if (existsSync(KEY_FILE)) return PrivateJwk.parse(JSON.parse(readFileSync(KEY_FILE, 'utf8')));
  if (!options.create) {
    throw new Error(
      'no signing key yet: start the system once with `npm start` (it creates .data/token-signing-key.json) or set RS_TOKEN_SIGNING_KEY',
    );
  }
  const jwk = generateSigningJwk();
  mkdirSync(dirname(KEY_FILE), { recursive: true });
  writeFileSync(KEY_FILE, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  return jwk;
}

export const signingKey = (options: { create: boolean }): SigningKey => signingKeyOf(signingJwk(options));

/** What the services hold: RS_TOKEN_JWKS when set (keys being rotated in), else the dev key's public half. */
export function servicesJwks(jwk: PrivateJwk): string {
  if (process.env.RS_TOKEN_JWKS) return JSON.stringify(Jwks.parse(JSON.parse(process.env.RS_TOKEN_JWKS)));
  return JSON.stringify({ keys: [publicJwkOf(jwk)] });
}

const CHECKPOINT_KEY_FILE = join(DATA_DIR, 'ledger-checkpoint-key.pem');

/**
 * The ledger's checkpoint key (Ed25519, PKCS#8 PEM): LEDGER_CHECKPOINT_KEY when set, else a dev key
 * generated on first start into .data/ (never committed). Only the ledger is given it.
 */
export function checkpointKeyPem(): string {
  if (process.env.LEDGER_CHECKPOINT_KEY) return process.env.LEDGER_CHECKPOINT_KEY;
  if (existsSync(CHECKPOINT_KEY_FILE)) return readFileSync(CHECKPOINT_KEY_FILE, 'utf8');
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  mkdirSync(dirname(CHECKPOINT_KEY_FILE), { recursive: true });
  writeFileSync(CHECKPOINT_KEY_FILE, pem, { mode: 0o600 });
  return pem;
}

const PERSONAL_DATA_KEK_FILE = join(DATA_DIR, 'personal-data-kek');

/**
 * The key-encryption key that wraps every case's data key (32 bytes, base64): RS_PERSONAL_DATA_KEK
 * when set, else a dev key generated on first start into .data/ (never committed). Every service
 * is given it; losing it makes every sealed personal field unreadable.
 */
export function personalDataKek(): string {
  if (process.env.RS_PERSONAL_DATA_KEK) return process.env.RS_PERSONAL_DATA_KEK;
  if (existsSync(PERSONAL_DATA_KEK_FILE)) return readFileSync(PERSONAL_DATA_KEK_FILE, 'utf8').trim();
  const kek = randomBytes(32).toString('base64');
  mkdirSync(dirname(PERSONAL_DATA_KEK_FILE), { recursive: true });
  writeFileSync(PERSONAL_DATA_KEK_FILE, kek, { mode: 0o600 });
  return kek;
}
