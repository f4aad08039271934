import { createHmac } from 'node:crypto';
import t from 'tap';
import { signToken, tokenVerifier } from './auth.js';
import { Unauthenticated } from './errors.js';
import { generateSigningJwk, publicJwkOf, signingKeyOf } from './token-keys.js';

const issuerJwk = generateSigningJwk('k-2026-12');
const KEY = signingKeyOf(issuerJwk);
const JWKS = { keys: [publicJwkOf(issuerJwk)] };
const upstream = { sub: 'up-kunming-110', role: 'upstream', upstreamSystemId: 'up-kunming-110' } as const;
const auditor = { sub: 'auditor-1', role: 'auditor' } as const;

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (extra: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return { ...auditor, grants: ['personal-data'], iss: 'rapid-search', iat: now, exp: now + 600, ...extra };
};

t.test('given a token verified once, when it is presented again before it expires, then the same principal answers', async (t) => {
  const verify = tokenVerifier(JWKS);
  const token = await signToken(upstream, KEY, 60);
  const first = await verify(`Bearer ${token}`);
  t.match(first, { sub: 'up-kunming-110', role: 'upstream', upstreamSystemId: 'up-kunming-110' });
  t.equal(await verify(`Bearer ${token}`), first);
  t.ok(Object.isFrozen(first), 'a remembered principal cannot be changed by one request for the next');
});

t.test('given a token verified and remembered, when its expiry passes, then it is refused', async (t) => {
  let clock = Date.now();
  const verify = tokenVerifier(JWKS, () => clock);
  const token = await signToken(upstream, KEY, 60);
  await verify(`Bearer ${token}`);
  clock += 59_000;
  await t.resolves(verify(`Bearer ${token}`), 'still valid a second before it expires');
  clock += 2_000;
  await t.rejects(verify(`Bearer ${token}`), Unauthenticated);
});

t.test('given a remembered token, when a token differing only in its signature is presented, then it is refused', async (t) => {
  const verify = tokenVerifier(JWKS);
  const token = await signToken(upstream, KEY, 60);
  await verify(`Bearer ${token}`);
  const signatureAt = token.lastIndexOf('.') + 1;
  const tampered = `${token.slice(0, signatureAt)}${token[signatureAt] === 'A' ? 'B' : 'A'}${token.slice(signatureAt + 1)}`;
  await t.rejects(verify(`Bearer ${tampered}`), Unauthenticated);
});

t.test('given a token signed by a key the services do not hold, when it is presented, then it is refused', async (t) => {
  const verify = tokenVerifier(JWKS);
  const stranger = signingKeyOf(generateSigningJwk('k-2026-12'));
  await t.rejects(verify(`Bearer ${await signToken(auditor, stranger, 60)}`), Unauthenticated, 'the same kid, another key');
  const unknownKid = signingKeyOf(generateSigningJwk('k-unknown'));
  await t.rejects(verify(`Bearer ${await signToken(auditor, unknownKid, 60)}`), Unauthenticated, 'a kid not in the JWKS');
  await t.rejects(verify(undefined), Unauthenticated);
  await t.rejects(verify('Basic dXNlcjpwYXNz'), Unauthenticated);
});

t.test('given forged tokens, when they are presented, then HS256 with a guessed secret and alg none are refused', async (t) => {
  const verify = tokenVerifier(JWKS);
  const header = b64({ alg: 'HS256', typ: 'JWT', kid: 'k-2026-12' });
  const body = b64(claims());
  const hs256 = `${header}.${body}.${createHmac('sha256', 'secret').update(`${header}.${body}`).digest('base64url')}`;
  await t.rejects(verify(`Bearer ${hs256}`), Unauthenticated, 'HS256');
  await t.rejects(verify(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${body}.`), Unauthenticated, 'alg none');
});

t.test('given a JWKS holding an old and a new key, when tokens of both are presented, then both are valid until they expire', async (t) => {
  const next = generateSigningJwk('k-2027-01');
  const verify = tokenVerifier({ keys: [publicJwkOf(issuerJwk), publicJwkOf(next)] });
  await t.resolves(verify(`Bearer ${await signToken(auditor, KEY, 60)}`));
  await t.resolves(verify(`Bearer ${await signToken(auditor, signingKeyOf(next), 60)}`));
});

t.test('given a token living longer than its role may, or issued in the future, when it is presented, then it is refused', async (t) => {
  const verify = tokenVerifier(JWKS);
  await t.rejects(verify(`Bearer ${await signToken(auditor, KEY, 9 * 3600)}`), Unauthenticated, 'an auditor token for nine hours');
  await t.resolves(verify(`Bearer ${await signToken(upstream, KEY, 7 * 24 * 3600)}`), 'an upstream system token for a week');
  let clock = Date.now() - 3600_000;
  const early = tokenVerifier(JWKS, () => clock);
  await t.rejects(early(`Bearer ${await signToken(auditor, KEY, 60)}`), Unauthenticated, 'iat an hour after the service clock');
  clock = Date.now();
  await t.resolves(early(`Bearer ${await signToken(auditor, KEY, 60)}`));
});
