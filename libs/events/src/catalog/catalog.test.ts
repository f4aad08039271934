import t from 'tap';
import { z } from 'zod';
import { decodeEvent, encodeEvent, catalog } from './index.js';
import { defineEvent } from './define.js';
import { decodeWith } from './upcast.js';

const closed = { caseId: 'c1', alertId: 'a1', reason: 'child found', closedAt: '2026-11-22T10:00:00.000Z' };

t.test('given a current-version event, when decoded, then it comes back validated', async (t) => {
  const result = decodeEvent('AlertClosed', 1, closed);
  t.ok(result.ok);
  if (result.ok) t.same(result.event, { type: 'AlertClosed', data: closed });
});

t.test('given an unknown type, when decoded, then it is reported, not thrown', async (t) => {
  t.same(decodeEvent('NoSuchEvent', 1, {}), { ok: false, reason: 'unknown event type NoSuchEvent' });
});

t.test('given invalid data, when decoded, then the reason names the field', async (t) => {
  const result = decodeEvent('AlertClosed', 1, { ...closed, closedAt: 'yesterday' });
  t.notOk(result.ok);
  if (!result.ok) t.match(result.reason, /closedAt/);
});

t.test('given an unknown version, when decoded, then it is reported', async (t) => {
  const result = decodeEvent('AlertClosed', 7, closed);
  t.notOk(result.ok);
});

t.test('given invalid new data, when encoded for append, then it is refused before storage', async (t) => {
  t.throws(() => encodeEvent({ type: 'AlertClosed', data: { ...closed, caseId: 42 as unknown as string } }), /caseId/);
  t.same(encodeEvent({ type: 'AlertClosed', data: closed }).version, 1);
});

t.test('given an empty id, when an event naming it is encoded, then it is refused before storage', async (t) => {
  t.throws(() => encodeEvent({ type: 'AlertClosed', data: { ...closed, caseId: '' } }), /caseId/);
  t.throws(() => encodeEvent({ type: 'AlertClosed', data: { ...closed, alertId: '' } }), /alertId/);
});

t.test('every catalogued type has a latest version', async (t) => {
  t.ok(catalog.types().length >= 30);
  for (const type of catalog.types()) t.ok(catalog.latestVersion(type)! >= 1, type);
});

t.test('given a definition with history, when an old version is read, then it is upcast step by step', async (t) => {
  // The mechanism decodeEvent uses, exercised on a local definition with two older versions.
  const V3 = defineEvent({
    type: 'Example',
    version: 3,
    schema: z.object({ name: z.string(), radiusKm: z.number() }),
    history: [
      { version: 1, schema: z.object({ n: z.string() }), upcast: (d: { n: string }) => ({ name: d.n }) },
      { version: 2, schema: z.object({ name: z.string() }), upcast: (d: { name: string }) => ({ ...d, radiusKm: 100 }) },
    ],
  });
  t.same(decodeWith(V3, 1, { n: 'x' }), { ok: true, data: { name: 'x', radiusKm: 100 }, version: 3 });
  t.same(decodeWith(V3, 2, { name: 'y' }), { ok: true, data: { name: 'y', radiusKm: 100 }, version: 3 });
  t.notOk(decodeWith(V3, 1, { name: 'wrong shape' }).ok);
});
