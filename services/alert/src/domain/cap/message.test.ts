import t from 'tap';
import { capMessages } from './message.js';
import { capXml } from './xml.js';
import { history, PROFILE } from './fixtures.test-helper.js';

const widenedTwiceThenFound = history([
  { at: 31, command: 'Widen' },
  { at: 91, command: 'Widen' },
  { at: 200, command: 'Close', reason: 'ChildReturnedToParents' },
]);

t.test('given a new alert, when its messages are built, then one Actual Alert at 100 km names the case', async (t) => {
  const [alert, ...rest] = capMessages(history([]), PROFILE);
  t.same(rest, []);
  t.match(alert, {
    identifier: 'RS-a1-1',
    sender: PROFILE.sender,
    sent: '2026-11-22T20:00:00+08:00',
    status: 'Actual',
    msgType: 'Alert',
    incidents: 'c1',
  });
  t.equal(alert!.references, undefined);
  t.same(
    alert!.info.map((i) => [i.language, i.radiusKm, i.expires, i.area.regionCode]),
    [
      ['zh-CN', 100, '2026-11-23T20:00:00+08:00', '530111'],
      ['en-US', 100, '2026-11-23T20:00:00+08:00', '530111'],
    ],
  );
});

t.test('given two widenings and a return, when the messages are built, then each references the one before it', async (t) => {
  const messages = capMessages(widenedTwiceThenFound, PROFILE);
  t.same(
    messages.map((m) => [m.msgType, m.info[0]!.radiusKm]),
    [
      ['Alert', 100],
      ['Update', 200],
      ['Update', 300],
      ['Cancel', 300],
    ],
  );
  for (let n = 1; n < messages.length; n++) {
    const before = messages[n - 1]!;
    t.equal(messages[n]!.references, `${before.sender},${before.identifier},${before.sent}`);
  }
  t.ok(
    messages.every((m) => !/[ ,]/.test(m.identifier)),
    'identifiers carry no space or comma',
  );
});

t.test('given the child returned to the parents, when the alert closes, then the Cancel says the child is found', async (t) => {
  const cancel = capMessages(widenedTwiceThenFound, PROFILE).at(-1)!;
  t.equal(cancel.msgType, 'Cancel');
  t.match(cancel.info[0]!.headline, /已找到/);
  t.match(cancel.info[1]!.description, /has been found/);
});

t.test('given a report withdrawn as false, when the alert closes, then the Cancel says it was withdrawn', async (t) => {
  const cancel = capMessages(history([{ at: 5, command: 'Close', reason: 'withdrawn' }]), PROFILE).at(-1)!;
  t.equal(cancel.msgType, 'Cancel');
  t.match(cancel.info[0]!.description, /虚假报告，已撤回/);
  t.match(cancel.info[1]!.description, /false and has been withdrawn/);
});

t.test('given a drill, when its messages are built, then every one is an Exercise with a note saying so', async (t) => {
  const messages = capMessages(history([{ at: 31, command: 'Widen' }], {}, true), PROFILE);
  t.same(
    messages.map((m) => [m.status, m.note]),
    [
      ['Exercise', '演练，非真实案件 / Drill: not a real case'],
      ['Exercise', '演练，非真实案件 / Drill: not a real case'],
    ],
  );
});

t.test('given a report with a photo and an address, when built, then the photo is a resource and the address the area', async (t) => {
  const [alert] = capMessages(
    history([], {
      lastSeen: { at: '2026-11-22T11:30:00Z', lat: 24.96, lon: 102.76, regionCode: '530111', address: '官渡区 世纪城' },
      child: { name: '张小雨', sex: 'female', ageYears: 4, photoUrl: 'https://photos.example.cn/x.png' },
    }),
    PROFILE,
  );
  t.equal(alert!.info[0]!.photoUrl, 'https://photos.example.cn/x.png');
  t.equal(alert!.info[0]!.area.areaDesc, '官渡区 世纪城');
  t.match(capXml(alert!), /<mimeType>image\/png<\/mimeType>/);
});

t.test('given any alert, when its documents are written, then nothing of the reporter appears in them', async (t) => {
  const xml = capMessages(widenedTwiceThenFound, PROFILE).map(capXml).join('');
  for (const secret of ['Liu Fang', '刘芳', '13812345678', 'mother']) t.notOk(xml.includes(secret), `no "${secret}"`);
  t.match(xml, /Zhang Xiaoyu/);
});

t.test('given the same events, when the messages are rebuilt, then the documents are byte-identical', async (t) => {
  const first = capMessages(widenedTwiceThenFound, PROFILE).map(capXml);
  const again = capMessages(structuredClone(widenedTwiceThenFound), PROFILE).map(capXml);
  t.same(again, first);
});

t.test('given events before the quick search only, when built, then no message is issued', async (t) => {
  t.same(
    capMessages(
      history([]).filter((e) => e.type !== 'QuickSearchActivated'),
      PROFILE,
    ),
    [],
  );
});

t.test('given a confirmed sighting, when the messages are built, then an Update re-centres the circle on it', async (t) => {
  const events = history([]);
  const sighted = {
    type: 'SightingConfirmed' as const,
    occurredAt: new Date(Date.parse(events[0]!.occurredAt) + 20 * 60_000).toISOString(),
    data: {
      caseId: 'c1',
      alertId: 'a1',
      tipId: 'tip-1',
      taskId: 'lead-1',
      lastSeen: { at: events[0]!.occurredAt, lat: 25.5, lon: 103.79, regionCode: '530300', address: 'Qujing station' },
      previousLastSeen: { at: events[0]!.occurredAt, lat: 24.96, lon: 102.76, regionCode: '530111' },
      radiusKm: 100,
      confirmedAt: events[0]!.occurredAt,
    },
  };
  const [alertMessage, update] = capMessages([...events, sighted], PROFILE);
  t.equal(update?.msgType, 'Update');
  t.equal(update?.references, `${alertMessage!.sender},${alertMessage!.identifier},${alertMessage!.sent}`);
  t.match(update!.info[0]!.area, { lat: 25.5, lon: 103.79, radiusKm: 100, regionCode: '530300', areaDesc: 'Qujing station' });
  t.match(update!.info[1]!.description, /Qujing station/, 'the text tells the new place');
});
