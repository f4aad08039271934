import t from 'tap';
import type { KafkaMessage } from 'kafkajs';
import { newId } from '../ids.js';
import { closedEnvelope } from '../store/test-fixtures.js';
import { decodeMessage } from './decode.js';

const takes = new Set(['AlertClosed']);

function message(value: string, headers: NonNullable<KafkaMessage['headers']> = {}): KafkaMessage {
  return { key: null, value: Buffer.from(value), headers, timestamp: '0', attributes: 0, offset: '0' };
}

function alertClosed(): string {
  return JSON.stringify(closedEnvelope(newId()));
}

t.test(
  'given a message whose event-type header names a type the consumer does not take, when decoded, then it is passed over without its value being read',
  async (t) => {
    t.equal(decodeMessage(message('not json at all', { 'event-type': 'CaseOpened' }), takes), 'not-ours');
  },
);

t.test('given a message of a type the consumer takes, when decoded, then it comes out as the catalog event', async (t) => {
  const decoded = decodeMessage(message(alertClosed(), { 'event-type': Buffer.from('AlertClosed') }), takes);
  t.match(decoded, { event: { type: 'AlertClosed' }, envelope: { version: 1 } });
});

t.test('given a message without the header, when decoded, then the type is read from its value', async (t) => {
  t.equal(decodeMessage(message(JSON.stringify({ type: 'CaseOpened' })), takes), 'not-ours');
  t.match(decodeMessage(message(alertClosed()), takes), { event: { type: 'AlertClosed' } });
  t.same(decodeMessage(message('not json at all'), takes), { error: 'value is not JSON' });
});

t.test('given a consumer that takes every type, when a message is not JSON, then it is refused whatever its header says', async (t) => {
  t.same(decodeMessage(message('not json at all', { 'event-type': 'CaseOpened' }), null), { error: 'value is not JSON' });
});
