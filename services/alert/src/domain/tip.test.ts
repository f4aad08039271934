import { NotFound, RuleViolation, ValidationError } from '@rapid-search/events';
import t from 'tap';
import { decideTip, TipBody, tipIdOf, type ReceiveTip } from './tip.js';

const now = new Date('2026-11-22T10:00:00.000Z');
const open = { alertId: 'a1', caseId: 'c1', status: 'open' as const, exercise: false };
const body = TipBody.parse({
  seenAt: '2026-11-22T09:40:00.000Z',
  lat: 24.97,
  lon: 102.77,
  description: 'A girl in a red coat with a man at the bus station',
  contact: { phone: '13912345678', mayCall: true },
});
const command: ReceiveTip = { tipId: 't1', alertId: 'a1', body, via: { channel: 'public' }, now };

t.test('given an open alert, when a tip arrives, then TipReceived names the alert and its case', async (t) => {
  const [event] = decideTip(command, open);
  t.equal(event?.type, 'TipReceived');
  t.match(event?.data, { tipId: 't1', alertId: 'a1', caseId: 'c1', place: { lat: 24.97, lon: 102.77 }, via: { channel: 'public' } });
  t.equal(event?.data.receivedAt, now.toISOString());
});

t.test('given no such alert, when a tip arrives, then it is not found', async (t) => {
  t.throws(() => decideTip(command, undefined), NotFound);
});

t.test('given a drill’s alert, when the public tips, then it is not found; a participant relaying with credentials may', async (t) => {
  const drill = { ...open, exercise: true };
  t.throws(() => decideTip(command, drill), NotFound);
  const relayed = { ...command, via: { channel: 'upstream' as const, upstreamSystemId: 'up-kunming-110' } };
  t.equal(decideTip(relayed, drill)[0]?.type, 'TipReceived');
});

t.test('given a closed alert, when a tip arrives, then it is refused with ALERT_CLOSED', async (t) => {
  t.throws(
    () => decideTip(command, { ...open, status: 'closed' }),
    new RuleViolation('ALERT_CLOSED', "alert a1 is closed; the child's search has ended"),
  );
});

t.test('given a sighting an hour in the future, when a tip arrives, then seenAt is refused', async (t) => {
  const future = { ...command, body: { ...body, seenAt: '2026-11-22T11:00:00.000Z' } };
  t.throws(() => decideTip(future, open), ValidationError);
});

t.test('given one sender, when the same words come twice, then they name one tip; another sender, alert or text another', async (t) => {
  const id = tipIdOf('a1', 'address:1.2.3.4', 'Saw her  at the Station');
  t.equal(tipIdOf('a1', 'address:1.2.3.4', 'saw her at the station'), id);
  t.not(tipIdOf('a1', 'address:5.6.7.8', 'saw her at the station'), id);
  t.not(tipIdOf('a2', 'address:1.2.3.4', 'saw her at the station'), id);
  t.not(tipIdOf('a1', 'address:1.2.3.4', 'other words'), id);
});

t.test('given hostile input, when the body is parsed, then caps and https-only photos hold', async (t) => {
  t.notOk(TipBody.safeParse({ ...body, description: 'x'.repeat(2001) }).success, 'description over 2,000 characters');
  t.notOk(TipBody.safeParse({ ...body, photoUrl: 'javascript:alert(1)' }).success, 'javascript photo');
  t.notOk(TipBody.safeParse({ ...body, photoUrl: 'http://example.com/a.jpg' }).success, 'plain http photo');
  t.notOk(TipBody.safeParse({ ...body, contact: { phone: 'call me', mayCall: true } }).success, 'implausible phone');
  t.notOk(TipBody.safeParse({ ...body, lat: 91 }).success, 'latitude out of range');
  t.notOk(TipBody.safeParse({ ...body, caseId: 'c9' }).success, 'unknown fields');
});
