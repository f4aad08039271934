import t from 'tap';
import { capMessages } from './message.js';
import { capXml, escapeXml } from './xml.js';
import { history, PROFILE } from './fixtures.test-helper.js';
import { validateCap } from './schema.test-helper.js';

const hostile = {
  child: {
    name: 'A <b>&"\'</b>\u0000\u0007 ]]>',
    sex: 'unknown' as const,
    dateOfBirth: '2021-05-01',
    description: '<script>alert(1)</script>',
    photoUrl: 'https://p.example.cn/a?x=1&y=<2>',
  },
};

t.test('given every kind of message, when written as CAP, then each validates against the OASIS CAP 1.2 schema', async (t) => {
  const messages = [
    ...capMessages(
      history([
        { at: 31, command: 'Widen' },
        { at: 91, command: 'Widen' },
        { at: 200, command: 'Close' },
      ]),
      PROFILE,
    ),
    ...capMessages(history([{ at: 5, command: 'Close', reason: 'withdrawn' }], hostile, true), PROFILE),
  ];
  t.same(
    messages.map((m) => m.msgType),
    ['Alert', 'Update', 'Update', 'Cancel', 'Alert', 'Cancel'],
  );
  messages.forEach((m) => t.doesNotThrow(() => validateCap(capXml(m)), `${m.msgType} ${m.identifier} validates`));
});

t.test('given a document with its elements out of the schema order, when validated, then the validator refuses it', async (t) => {
  const [alert] = capMessages(history([]), PROFILE);
  const swapped = capXml(alert!)
    .replace(/ {2}<sender>.*<\/sender>\n/, '')
    .replace('<status>', `<sender>${PROFILE.sender}</sender>\n  <status>`);
  t.throws(() => validateCap(swapped));
});

t.test('given markup and control characters in a name, when escaped, then they are text and never markup', async (t) => {
  t.equal(escapeXml('A <b>&"\'\u0000'), 'A &lt;b&gt;&amp;&quot;&apos;');
  t.equal(escapeXml('张小雨 😀'), '张小雨 😀');
});
