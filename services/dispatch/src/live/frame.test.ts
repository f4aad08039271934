import t from 'tap';
import * as ws from 'ws';
import { textFrame } from './frame.js';

const roundTrip = (text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    // ws's own frame parser, as a console's client library would read the bytes.
    const { Receiver } = ws as unknown as {
      Receiver: new (o: object) => NodeJS.WritableStream & { on(e: string, f: (...a: never[]) => void): void };
    };
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? reject(new Error('binary')) : resolve(data.toString())));
    receiver.on('error', reject);
    receiver.write(textFrame(Buffer.from(text)));
  });

t.test('frames of every length class decode as the same text', async (t) => {
  for (const size of [0, 1, 125, 126, 1000, 65535, 65536, 200_000]) {
    const text = 'x'.repeat(size);
    t.equal(await roundTrip(text), text, `${size} bytes`);
  }
  t.equal(await roundTrip('{"caseId":"快速查找"}'), '{"caseId":"快速查找"}', 'utf-8 payload');
});
