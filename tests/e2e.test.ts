/**
 * The whole system, started as `npm start` starts it (three service processes, real Postgres, real
 * Kafka), driven through the scripted case by the roles that play it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import t from 'tap';
import WebSocket from 'ws';
import { decodeStored, ERASED, PgEventStore, topicOf } from '@rapid-search/events';
import { requireKafka, tablesHoldingAny, TEST_SIGNING_KEY, topicMessages } from '@rapid-search/events/testing';
import { call, interceptionsShown, tokensFor } from '@rapid-search/scripts/client';
import { loadDemoCase } from '@rapid-search/scripts/demo-case';
import { ROOT, startedSystem } from './started-system.js';
import { until } from './until.js';

await requireKafka();
let banner = '';
const { db, ports, urls, env, system, exited } = await startedSystem('e2e', 3101, (text) => (banner += text));

const demo = loadDemoCase();
const PROFILE_REF = 'profile-e2e-5c1d40';
const MATCH_REF = 'match-e2e-9b7e21';
const reported = demo.alertBody as unknown as { child: { name: string }; reporter: { name: string; phone: string } };
/** What must never be found in clear in a table or on a topic. */
const PERSONAL = [
  reported.child.name,
  reported.reporter.name,
  reported.reporter.phone,
  demo.rescue.household.headOfHousehold,
  PROFILE_REF,
  MATCH_REF,
];
const CONSOLE_CENTER = 'cc-kunming';
const tokens = await tokensFor(TEST_SIGNING_KEY, {
  consoleCenter: CONSOLE_CENTER,
  officer: demo.group.chiefOfficerId,
  upstreamSystem: demo.alert.upstreamSystemId,
});

interface ConsoleMessage {
  type: string;
  position?: number;
  tasks?: unknown[];
  event?: { type: string; data: Record<string, unknown> };
}

function openConsole(query = ''): Promise<{ socket: WebSocket; messages: ConsoleMessage[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${ports.dispatch}/v1/consoles${query}`, { headers: { authorization: `Bearer ${tokens.console}` } });
  const messages: ConsoleMessage[] = [];
  socket.on('message', (raw) => messages.push(JSON.parse(raw.toString()) as ConsoleMessage));
  return new Promise((resolve, reject) => socket.once('open', () => resolve({ socket, messages })).once('error', reject));
}

// Every top-level await comes before the first subtest: tap ends the root test once it has no
// pending subtest, so awaiting between them would tear the system down mid-run.
const live = await openConsole();

t.test('npm start prints where each service listens and how to get tokens', async (t) => {
  await until(
    () => banner,
    (b) => b.includes('npm run token'),
  );
  for (const url of Object.values(urls)) t.match(banner, url);
});

let caseId = '';
let alertId = '';

t.test('an upstream report in Kunming reaches the Kunming console as interception tasks within 2 seconds', async (t) => {
  await until(
    () => live.messages,
    (m) => m.some((x) => x.type === 'snapshot'),
  );
  const key = `${demo.alert.idempotencyKey}-${Date.now()}`;
  const post = () =>
    call<{ alertId: string; caseId: string; status: string }>(urls.alert, 'POST', '/v1/alerts', tokens.upstream, demo.alertBody, {
      'idempotency-key': key,
    });
  const first = await post();
  const answeredAt = Date.now();
  t.equal(first.status, 201);
  ({ alertId, caseId } = first.body);
  const retry = await post();
  t.equal(retry.status, 200, 'the retry with the same key is answered from the first');
  t.same(retry.body, first.body);

  const interceptions = await until(
    () => interceptionsShown(live.messages, caseId),
    (list) => list.length >= 2,
    2000,
  );
  t.ok(Date.now() - answeredAt <= 2000, `tasks on the console ${Date.now() - answeredAt} ms after the answer`);
  for (const task of interceptions) {
    t.equal(task.commandCenterId, CONSOLE_CENTER, "only this center's tasks");
    t.ok(task.distanceKm <= 100, `${task.hub.name} is within 100 km`);
  }
});

t.test('a console that drops and resumes misses nothing and sees nothing twice', async (t) => {
  const positions = live.messages.filter((m) => m.type === 'event').map((m) => m.position!);
  const last = Math.max(...positions);
  live.socket.close();
  const taskId = interceptionsShown(live.messages, caseId)[0]!.taskId;
  const ack = await call<{ position: number }>(urls.dispatch, 'POST', `/v1/tasks/${taskId}/ack`, tokens.officer);
  t.equal(ack.status, 200, 'a task is acknowledged while the console is away');

  // Reconnecting with the position on the upgrade request: no snapshot, and no live event can slip in
  // between a snapshot and a later resume message.
  const back = await openConsole(`?fromPosition=${last}`);
  const replayed = await until(
    () => back.messages.filter((m) => m.type === 'event' && m.position! > last),
    (list) => list.some((m) => m.event?.type === 'TaskAcknowledged' && m.event.data.taskId === taskId),
  );
  const replayedPositions = replayed.map((m) => m.position!);
  t.same(
    replayedPositions,
    [...new Set(replayedPositions)].sort((a, b) => a - b),
    'in order, none twice',
  );
  t.ok(replayedPositions.includes(ack.body.position), 'the acknowledgement made while away is replayed');
  t.notOk(
    back.messages.some((m) => m.type === 'snapshot'),
    'a resumed console gets no snapshot',
  );
  t.same(
    back.messages.filter((m) => m.type === 'event').map((m) => m.position),
    replayedPositions,
    'nothing at or before the resume position',
  );
  back.socket.close();
});

t.test('the case runs to its end under the rules, and the ledger proves it', async (t) => {
  const officer = (path: string, body: unknown) =>
    call<{ error?: { code: string } }>(urls.ledger, 'POST', `/v1/cases/${caseId}${path}`, tokens.officer, body);
  await until(
    async () => (await call(urls.ledger, 'GET', `/v1/cases/${caseId}`, tokens.officer)).status,
    (s) => s === 200,
  );

  t.equal((await officer('/group', demo.group.body)).status, 200, 'the case group is formed');
  const premature = await officer('/group/dissolve', { reason: 'premature' });
  t.equal(premature.status, 409);
  t.equal(premature.body.error?.code, 'CASE_NOT_SOLVED');

  const dnaTask = await until(
    async () =>
      (await call<{ tasks: { taskId: string; kind: string; caseId: string }[] }>(urls.dispatch, 'GET', '/v1/tasks', tokens.officer)).body.tasks,
    (list) => list.some((x) => x.caseId === caseId && x.kind === 'dna-sampling'),
  ).then((list) => list.find((x) => x.caseId === caseId && x.kind === 'dna-sampling')!);
  const dna = (path: string, token: string, body: unknown) => call(urls.dispatch, 'POST', `/v1/dna/tasks/${dnaTask.taskId}${path}`, token, body);
  const sample = await dna('/samples', tokens.officer, { donor: 'mother' });
  t.equal(sample.status, 201, "police collect the mother's sample");
  const sampleId = String(sample.body.sampleId);
  const labId = demo.dna.labId;
  t.equal((await dna(`/samples/${sampleId}/seal`, tokens.officer, { sealNumber: 'E2E-1' })).status, 200);
  t.equal((await dna(`/samples/${sampleId}/receipt`, tokens.lab, { labId })).status, 200);
  t.equal((await dna('/results', tokens.lab, { sampleId, labId, result: 'profile-entered', profileRef: PROFILE_REF })).status, 200);
  t.equal((await dna('/results', tokens.lab, { sampleId, labId, result: 'match', matchRef: MATCH_REF })).status, 200, 'the match');
  t.equal((await dna('/results', tokens.lab, { sampleId, labId, result: 'match', matchRef: MATCH_REF })).status, 200, 'its confirmation');
  await until(
    async () => (await call<{ parents?: unknown }>(urls.ledger, 'GET', `/v1/cases/${caseId}`, tokens.officer)).body,
    (c) => Boolean(c.parents),
  );
  t.pass('the confirmed match identifies the parents in the case file');

  t.equal((await officer('/rescue', { foundAt: demo.rescue.foundAt, household: demo.rescue.household })).status, 200, 'the child is rescued');
  const handover = {
    institution: demo.institution,
    foundInHouseholdId: demo.rescue.household.id,
    childLocation: demo.rescue.foundAt,
    materials: demo.handover.materials,
  };
  const buying = await officer('/handover', { ...handover, placement: { kind: 'household', id: demo.rescue.household.id } });
  t.equal(buying.status, 409);
  t.equal(buying.body.error?.code, 'PLACEMENT_WITH_BUYING_FAMILY');
  t.equal((await officer('/handover', handover)).status, 200, "handover to the children's welfare institute");
  t.equal((await call(urls.ledger, 'POST', `/v1/cases/${caseId}/handover/accept`, tokens.civilAffairs, {})).status, 200, 'accepted by civil affairs');
  t.equal((await officer('/solve', { summary: 'buyers and sellers detained' })).status, 200, 'the case is solved');
  t.equal((await officer('/group/dissolve', { reason: 'case solved' })).status, 200, 'only now the group is dissolved');

  const verify = await until(
    async () => (await call<{ ok: boolean; entries: number; violations: unknown[] }>(urls.ledger, 'GET', '/v1/ledger/verify', tokens.auditor)).body,
    (v) => v.entries > 0 && v.ok,
  );
  t.same(verify.violations, []);
  t.ok(verify.ok, `the ledger verifies (${verify.entries} entries)`);

  // The audit chain is fed from Kafka: the last events of the case land in it moments after the commands.
  const replay = await until(
    () => promisify(execFile)(process.execPath, [`${ROOT}services/ledger/dist/cli/audit.js`, 'replay', '--case', caseId], { env }),
    (r) => r.stdout.includes('CaseGroupDissolved'),
  );
  t.match(replay.stdout, /CaseGroupDissolved/, 'the auditor replays the case history');
  t.match(replay.stdout, /HandoverToCivilAffairsAccepted/);
  const alert = await until(
    async () => (await call<{ status: string }>(urls.alert, 'GET', `/v1/alerts/${alertId}`, tokens.officer)).body,
    (a) => a.status === 'closed',
  );
  t.equal(alert.status, 'closed', 'the rescue stands the public release down');
});

t.test(
  'given the case run to its end, when every table and every topic message is searched, then no name, phone or DNA reference is in clear',
  async (t) => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    t.teardown(() => pool.end());
    t.same(await tablesHoldingAny(pool, PERSONAL), [], 'no table holds one');
    const messages = await topicMessages((['alert', 'dispatch', 'ledger'] as const).map((s) => topicOf(s, env.KAFKA_TOPIC_PREFIX)));
    t.ok(messages.length > 0, `${messages.length} messages read`);
    t.same(
      PERSONAL.filter((secret) => messages.some((m) => m.includes(secret))),
      [],
      'no topic message holds one',
    );
    const officerView = await call<{ reporter?: { phone?: string } }>(urls.alert, 'GET', `/v1/alerts/${alertId}`, tokens.officer);
    t.equal(officerView.body.reporter?.phone, reported.reporter.phone, 'the officer still reads the phone, opened at the edge');
  },
);

t.test(
  'given the solved case, when an officer with the data-protection grant erases it, then the chain verifies, it replays and reads show [erased]',
  async (t) => {
    t.equal((await call(urls.ledger, 'POST', `/v1/cases/${caseId}/personal-data/erase`, tokens.officer, {})).status, 403, 'not without the grant');
    const erased = await call<{ appended: string[] }>(urls.ledger, 'POST', `/v1/cases/${caseId}/personal-data/erase`, tokens.dataProtection, {});
    t.same([erased.status, erased.body.appended], [200, ['PersonalDataErased']]);
    const alert = await call<{ child: { name: string }; reporter?: { phone: string } }>(urls.alert, 'GET', `/v1/alerts/${alertId}`, tokens.officer);
    t.same([alert.body.child.name, alert.body.reporter?.phone], [ERASED, ERASED], 'the alert service reads them erased at once');
    const verify = await until(
      async () => (await call<{ ok: boolean; violations: unknown[] }>(urls.ledger, 'GET', '/v1/ledger/verify', tokens.auditor)).body,
      (v) => v.ok,
    );
    t.same(verify.violations, [], 'the chain still verifies, every rule still holds');
    const replay = await until(
      () => promisify(execFile)(process.execPath, [`${ROOT}services/ledger/dist/cli/audit.js`, 'replay', '--case', caseId], { env }),
      (r) => r.stdout.includes('PersonalDataErased'),
    );
    t.match(replay.stdout, /CaseGroupDissolved[\s\S]*PersonalDataErased/, 'the case still replays, its erasure last');
  },
);

t.test('given the case run to its end, when every stored event of every service is read back, then each decodes through the catalog', async (t) => {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());
  for (const schema of ['alert', 'dispatch', 'ledger']) {
    const undecodable: string[] = [];
    let read = 0;
    for await (const page of new PgEventStore(pool, schema).readAllPages(0)) {
      read += page.length;
      for (const stored of page) {
        const decoded = decodeStored(stored);
        if ('error' in decoded) undecodable.push(`${stored.type} ${stored.eventId}: ${decoded.error}`);
      }
    }
    t.ok(read > 0, `${schema}: ${read} events read`);
    t.same(undecodable, [], `${schema}: every event decodes`);
  }
});

t.test("no service's events can be rewritten with SQL", async (t) => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  for (const schema of ['alert', 'dispatch', 'ledger']) {
    await t.rejects(client.query(`UPDATE ${schema}.events SET type = type`), /append-only/, `${schema}.events refuses UPDATE`);
  }
  await client.end();
});

t.test('Ctrl-C shuts the system down cleanly', async (t) => {
  system.kill('SIGINT');
  t.equal(await exited, 0);
});
