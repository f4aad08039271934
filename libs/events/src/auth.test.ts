import t from 'tap';
import { signToken, tokenVerifier } from './auth.js';
import { Unauthenticated } from './errors.js';

const SECRET = 'a-test-secret-of-enough-length-000000';
const upstream = { sub: 'up-kunming-110', role: 'upstream', upstreamSystemId: 'up-kunming-110' } as const;

t.test('given a token verified once, when it is presented again before it expires, then the same principal answers', async (t) => {
  const verify = tokenVerifier(SECRET);
  const token = await signToken(upstream, SECRET, 60);
  const first = await verify(`Bearer ${token}`);
  t.match(first, { sub: 'up-kunming-110', role: 'upstream', upstreamSystemId: 'up-kunming-110' });
  t.equal(await verify(`Bearer ${token}`), first);
  t.ok(Object.isFrozen(first), 'a remembered principal cannot be changed by one request for the next');
});

t.test('given a token verified and remembered, when its expiry passes, then it is refused', async (t) => {
  let clock = Date.now();
  const verify = tokenVerifier(SECRET, () => clock);
  const token = await signToken(upstream, SECRET, 60);
  await verify(`Bearer ${token}`);
  clock += 59_000;
  await t.resolves(verify(`Bearer ${token}`), 'still valid a second before it expires');
  clock += 2_000;
  await t.rejects(verify(`Bearer ${token}`), Unauthenticated);
});

t.test('given a remembered token, when a token differing only in its signature is presented, then it is refused', async (t) => {
  const verify = tokenVerifier(SECRET);
  const token = await signToken(upstream, SECRET, 60);
  await verify(`Bearer ${token}`);
  const signatureAt = token.lastIndexOf('.') + 1;
  const tampered = `${token.slice(0, signatureAt)}${token[signatureAt] === 'A' ? 'B' : 'A'}${token.slice(signatureAt + 1)}`;
  await t.rejects(verify(`Bearer ${tampered}`), Unauthenticated);
});

t.test('given a token signed with another key, or none, then it is refused', async (t) => {
  const verify = tokenVerifier(SECRET);
  await t.rejects(verify(`Bearer ${await signToken(upstream, 'another-secret-of-enough-length-00000', 60)}`), Unauthenticated);
  await t.rejects(verify(undefined), Unauthenticated);
  await t.rejects(verify('Basic dXNlcjpwYXNz'), Unauthenticated);
});
