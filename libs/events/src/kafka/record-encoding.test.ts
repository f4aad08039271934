import t from 'tap';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

// kafkajs as patched here (patches/kafkajs+2.2.4.patch): its encoders take unfilled memory and its
// record batches a native CRC32C. Both must leave the bytes on the wire as they were.
const require = createRequire(import.meta.url);
const batchChecksum = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;
const tableChecksum = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (buffer: Buffer) => number;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: object) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
};

t.test(
  "given buffers of every size up to a few kilobytes, when a record batch is checksummed, then it is the CRC32C of kafkajs's own table",
  async (t) => {
    const differ = Array.from({ length: 600 }, (_, i) => randomBytes(i * 7)).filter((b) => batchChecksum(b) !== tableChecksum(b) >>> 0);
    t.same(differ, [], 'no buffer checksums otherwise');
    t.equal(batchChecksum(Buffer.from('123456789')), 0xe3069283, 'the standard check value of CRC32C');
  },
);

t.test('given memory full of leftovers, when a batch is encoded, then its bytes are those of a batch encoded on clean memory', async (t) => {
  const encode = async (leftover: number): Promise<Buffer> => {
    const allocUnsafe = Buffer.allocUnsafe;
    Buffer.allocUnsafe = (size: number) => allocUnsafe(size).fill(leftover);
    try {
      const records = ['a', 'bb', 'c'.repeat(700)].map((value, offsetDelta) =>
        Record({ offsetDelta, key: Buffer.from(`case-${offsetDelta}`), value: Buffer.from(value), headers: { 'event-type': 'CaseOpened' } }),
      );
      return Buffer.from((await RecordBatch({ firstTimestamp: 1, maxTimestamp: 1, records })).buffer);
    } finally {
      Buffer.allocUnsafe = allocUnsafe;
    }
  };
  const clean = await encode(0);
  t.same(await encode(0xff), clean, 'no byte of the leftovers reaches the batch');
  t.same(await encode(0x5a), clean, 'whatever the leftovers were');
});
