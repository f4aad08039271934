import { DomainError, ValidationError } from '@rapid-search/events';
import t from 'tap';
import { IntakeBody } from '../report.js';
import { capIntake } from './intake.js';
import { capCancelXml, capReportXml, type CapInFixture } from './intake-fixtures.test-helper.js';
import { readCapAlert } from './read.js';

const intake = (f: CapInFixture = {}) => capIntake(readCapAlert(capReportXml(f)));

/** The refusal a document meets: its status, code, and the paths its issues name. */
function refusal(xml: string): { status: number; code: string; paths: string[] } {
  try {
    capIntake(readCapAlert(xml));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { status: error.status, code: error.code, paths: error instanceof ValidationError ? error.issues.map((i) => i.path) : [] };
  }
  throw new Error('the document was taken');
}

t.test('given a CAP Alert, when mapped, then every field of the profile lands in the report, and it validates as a JSON report', async (t) => {
  const mapped = intake({ resources: [{ mimeType: 'image/jpeg', uri: 'https://photos.example.cn/x.jpg' }] });
  t.same(mapped, {
    sender: 'up-kunming-110',
    identifier: 'KM110-0001',
    body: {
      source: '110',
      reportedAt: '2026-11-22T20:00:00+08:00',
      child: { name: '张小雨', sex: 'female', ageYears: 4, description: '红色外套', photoUrl: 'https://photos.example.cn/x.jpg' },
      lastSeen: { at: '2026-11-22T19:30:00+08:00', lat: 24.96, lon: 102.76, regionCode: '530102', address: '翠湖公园南门' },
      reporter: { name: '刘芳', phone: '13812345678', relation: 'mother' },
    },
  });
  t.ok(IntakeBody.safeParse(mapped.body).success, 'the same schema as a JSON report takes it');
});

t.test('given a date of birth and no age, when mapped, then the child has the date of birth', async (t) => {
  const { body } = intake({ parameters: { childAgeYears: undefined, childDateOfBirth: '2022-03-01' } });
  t.match(body, { child: { dateOfBirth: '2022-03-01' } });
  t.notOk('ageYears' in (body as { child: object }).child);
});

t.test('given resources, when mapped, then the first with an image mimeType is the photo, and none without one', async (t) => {
  const resources = [
    { mimeType: 'application/pdf', uri: 'https://x.example.cn/a.pdf' },
    { mimeType: 'image/png', uri: 'https://x.example.cn/b.png' },
  ];
  t.match(intake({ resources }).body, { child: { photoUrl: 'https://x.example.cn/b.png' } });
  t.notOk('photoUrl' in (intake({ resources: [resources[0]!] }).body as { child: object }).child);
});

t.test('given no areaDesc, when mapped, then the report has no address', async (t) => {
  t.notOk('address' in (intake({ areaDesc: null }).body as { lastSeen: object }).lastSeen);
});

t.test('given status Exercise, when mapped, then the report is a drill; given Actual, it is not', async (t) => {
  t.match(intake({ status: 'Exercise' }).body, { exercise: true });
  t.notOk('exercise' in intake().body);
});

t.test('given a second info in another language, when mapped, then only the first is read', async (t) => {
  const second = `<info><language>en-US</language><category>Rescue</category><event>Missing child</event><urgency>Immediate</urgency><severity>Severe</severity><certainty>Likely</certainty><parameter><valueName>childName</valueName><value>Other Name</value></parameter></info>`;
  t.match(intake({ secondInfo: second }).body, { child: { name: '张小雨' } });
  const firstLacksName = refusal(capReportXml({ parameters: { childName: undefined }, secondInfo: second }));
  t.same(firstLacksName.paths, ['info/parameter[childName]'], 'a field only the second info has is still missing');
});

t.test('given a prefixed CAP namespace, when read, then it is taken like the default one', async (t) => {
  const prefixed = capReportXml()
    .replace(/<(\/?)([a-zA-Z]+)/g, (_m, slash: string, name: string) => (name === 'xml' ? `<${slash}${name}` : `<${slash}cap:${name}`))
    .replace('<cap:alert xmlns=', '<cap:alert xmlns:cap=');
  t.match(capIntake(readCapAlert(prefixed)).body, { child: { name: '张小雨' } });
});

t.test('given a report missing a required element or parameter, when mapped, then 400 names it by its CAP name', async (t) => {
  const cases: [CapInFixture, string[]][] = [
    [{ onset: null }, ['info/onset']],
    [{ circle: null }, ['info/area/circle']],
    [{ circle: '24.96 102.76' }, ['info/area/circle']],
    [{ regionCode: null }, ['info/area/geocode[GB/T 2260]']],
    [{ parameters: { source: undefined, reporterPhone: undefined } }, ['info/parameter[source]', 'info/parameter[reporterPhone]']],
    [{ parameters: { childAgeYears: undefined } }, ['info/parameter[childAgeYears]']],
    [{ parameters: { childAgeYears: 'four' } }, ['info/parameter[childAgeYears]']],
    [{ withInfo: false }, ['info']],
    [{ identifier: '' }, ['identifier']],
    [{ status: 'Test' }, ['status']],
    [{ msgType: 'Report' }, ['msgType']],
  ];
  for (const [fixture, paths] of cases) {
    t.match(refusal(capReportXml(fixture)), { status: 400, code: 'VALIDATION_FAILED', paths }, JSON.stringify(fixture));
  }
});

t.test('given an Update, Ack or Error, when mapped, then 422 says intake does not take it', async (t) => {
  for (const msgType of ['Update', 'Ack', 'Error']) {
    t.match(refusal(capReportXml({ msgType })), { status: 422, code: 'CAP_MSG_TYPE_NOT_TAKEN' }, msgType);
  }
});

t.test('given a Cancel referencing an earlier Alert of its sender, when mapped, then it withdraws that report', async (t) => {
  t.same(capIntake(readCapAlert(capCancelXml())).body, {
    kind: 'withdrawal',
    withdraws: { idempotencyKey: 'KM110-0001', reportedAt: '2026-11-22T20:00:00+08:00' },
  });
});

t.test('given a Cancel without references, or referencing another sender, when mapped, then 400 and 403', async (t) => {
  t.match(refusal(capReportXml({ msgType: 'Cancel', withInfo: false })), { status: 400, paths: ['references'] });
  t.match(refusal(capCancelXml({ references: 'up-kunming-110,KM110-0001' })), { status: 400, paths: ['references'] });
  t.match(refusal(capCancelXml({ references: 'up-other,KM110-0001,2026-11-22T20:00:00+08:00' })), { status: 403, code: 'FORBIDDEN' });
});

t.test('given a DOCTYPE, when read, then 400 before anything is parsed', async (t) => {
  const xml = capReportXml().replace('<alert', '<!DOCTYPE alert SYSTEM "http://evil.example/cap.dtd">\n<alert');
  t.match(refusal(xml), { status: 400, paths: ['body'] });
});

t.test('given a billion laughs, when read, then 400 and nothing expands', async (t) => {
  const laughs =
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n' +
    capReportXml().split('\n')[1]!.replace('张小雨', '&lol3;');
  t.match(refusal(laughs), { status: 400, paths: ['body'] });
});

t.test('given XML’s own references, when read, then they are the characters they stand for; any other entity stays as written', async (t) => {
  const description = '红&amp;白 &lt;外套&gt; &#x5916;&#22871; &quot;x&apos; &lol;';
  t.match(intake({ parameters: { childDescription: description } }).body, { child: { description: '红&白 <外套> 外套 "x\' &lol;' } });
});

t.test('given another namespace, no namespace, or another document element, when read, then 400 names the alert', async (t) => {
  t.match(refusal(capReportXml({ namespace: 'urn:oasis:names:tc:emergency:cap:1.1' })), { status: 400, paths: ['alert'] });
  t.match(refusal(capReportXml().replace(/ xmlns="[^"]*"/, '')), { status: 400, paths: ['alert'] });
  t.match(refusal('<report xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></report>'), { status: 400, paths: ['alert'] });
});

t.test('given text that is not well-formed XML, when read, then 400', async (t) => {
  t.match(refusal('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</alert>'), { status: 400, paths: ['body'] });
  t.match(refusal('{"source":"110"}'), { status: 400, paths: ['body'] });
});
