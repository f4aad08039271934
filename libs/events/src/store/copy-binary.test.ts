import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import { BinaryCopyReader, int8At, uuidAt } from './copy-binary.js';

/** A protocol message: code, length (counting itself), payload. */
function message(code: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(code, 0, 'latin1');
  head.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([head, payload]);
}
const int8 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};
function row(fields: (Buffer | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(2)];
  parts[0]!.writeInt16BE(fields.length);
  for (const f of fields) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(f === null ? -1 : f.length);
    parts.push(len, ...(f === null ? [] : [f]));
  }
  return Buffer.concat(parts);
}
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);
const uuid = Buffer.from('01a2043e6ffe7629abbc28d7a289832e', 'hex');
const rows = [
  [int8(1), uuid, Buffer.from('héllo')],
  [int8(2 ** 40 + 7), uuid, null],
  [int8(3), uuid, Buffer.from('{"a":"\\n\\t\\\\"}')],
];
const afterCopy = message('C', Buffer.from('COPY 3\0'));
const stream = Buffer.concat([
  message('H', Buffer.from([1, 0, 3, 0, 1, 0, 1, 0, 1])),
  message('d', Buffer.concat([HEADER, row(rows[0]!)])),
  message('N', Buffer.from('a notice in between\0')),
  message('d', row(rows[1]!)),
  message('d', row(rows[2]!)),
  message('d', TRAILER),
  message('c', Buffer.alloc(0)),
  afterCopy,
]);

/** Feeds the stream cut at the given offsets; collects rows as the caller would read them. */
function read(cuts: number[]) {
  const reader = new BinaryCopyReader(3);
  const seen: [number, string, string | null][] = [];
  let rest: Buffer | null = null;
  const bounds = [0, ...cuts, stream.length];
  for (let i = 0; i + 1 < bounds.length && rest === null; i++) {
    const pushed = reader.push(stream.subarray(bounds[i], bounds[i + 1]));
    for (const { buf, rows: n, fields: f } of pushed.chunks) {
      for (let r = 0; r < n; r++) {
        const o = r * 6;
        seen.push([int8At(buf, f[o]!), uuidAt(buf, f[o + 2]!), f[o + 5]! < 0 ? null : buf.toString('utf8', f[o + 4]!, f[o + 4]! + f[o + 5]!)]);
      }
    }
    if (pushed.rest) rest = Buffer.concat([pushed.rest, stream.subarray(bounds[i + 1])]);
  }
  return { seen, rest, ended: reader.ended };
}

t.test('given a binary COPY cut at any byte, when read, then every row comes out once, whole, and the rest goes back to pg', async (t) => {
  const expected = [
    [1, '01a2043e-6ffe-7629-abbc-28d7a289832e', 'héllo'],
    [2 ** 40 + 7, '01a2043e-6ffe-7629-abbc-28d7a289832e', null],
    [3, '01a2043e-6ffe-7629-abbc-28d7a289832e', '{"a":"\\n\\t\\\\"}'],
  ];
  const wrong: number[] = [];
  for (let first = 1; first < stream.length; first++) {
    for (let second = first; second < stream.length; second++) {
      const { seen, rest, ended } = read(first === second ? [first] : [first, second]);
      if (!isDeepStrictEqual(seen, expected) || !rest?.equals(afterCopy) || !ended) wrong.push(first * 1000 + second);
    }
  }
  t.same(wrong, [], `no cut, nor pair of cuts, of the ${stream.length} bytes loses, splits or repeats a row`);
  t.same(read(Array.from({ length: stream.length - 1 }, (_, i) => i + 1)).seen, expected, 'a byte at a time');
});

t.test('given an error instead of rows, when read, then pg gets the error message from its first byte', async (t) => {
  const error = message('E', Buffer.from('SERROR\0C42601\0Msyntax error\0\0'));
  const reader = new BinaryCopyReader(1);
  const { chunks, rest } = reader.push(error);
  t.same(chunks, []);
  t.same(rest, error);
  t.notOk(reader.ended);
});

t.test('given a row of another width, when read, then the reader refuses it', async (t) => {
  const reader = new BinaryCopyReader(2);
  t.throws(() => reader.push(message('d', Buffer.concat([HEADER, row(rows[0]!)]))), /3 fields, not 2/);
});
