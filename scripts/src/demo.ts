/**
 * The scripted case end to end, narrated: a report in Kunming, tasks on the consoles, the case
 * group, a premature dissolution refused, the DNA match, rescue, handover to civil affairs, the
 * case solved, the group dissolved, the ledger verified.
 */
import type { SigningKey } from '@rapid-search/events';
import WebSocket from 'ws';
import { call, interceptionsShown, tokensFor } from './client.js';
import { loadDemoCase } from './demo-case.js';

type Urls = Record<'alert' | 'dispatch' | 'ledger', string>;
const CONSOLE_CENTER = 'cc-kunming-guandu';

export async function runDemo({ key, urls }: { key: SigningKey; urls: Urls }): Promise<void> {
  const say = (step: string, detail = '') => console.log(`\n▶ ${step}${detail ? `\n  ${detail}` : ''}`);
  const demo = loadDemoCase();
  const tokens = await tokensFor(key, {
    consoleCenter: CONSOLE_CENTER,
    officer: demo.group.chiefOfficerId,
    upstreamSystem: demo.alert.upstreamSystemId,
  });
  console.log(`\n=== Demo: ${demo.title} ===`);

  const consoleEvents: { type: string; event?: { type: string; data: Record<string, unknown> } }[] = [];
  const socket = new WebSocket(`${urls.dispatch.replace('http', 'ws')}/v1/consoles`, { headers: { authorization: `Bearer ${tokens.console}` } });
  socket.on('message', (raw) => consoleEvents.push(JSON.parse(raw.toString()) as (typeof consoleEvents)[number]));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  say(`The Guandu branch command center's console is connected (${CONSOLE_CENTER}).`);

  const idempotencyKey = `${demo.alert.idempotencyKey}-${Date.now()}`;
  const report = () =>
    call<{ alertId: string; caseId: string; status: string }>(urls.alert, 'POST', '/v1/alerts', tokens.upstream, demo.alertBody, {
      'idempotency-key': idempotencyKey,
    });
  const first = await report();
  const retry = await report();
  const { alertId, caseId } = first.body;
  say(
    'Kunming 110 reports a missing 4-year-old girl, last seen 40 minutes ago at Guandu Ancient Town.',
    `POST /v1/alerts → ${first.status} ${JSON.stringify(first.body)}; the retry with the same Idempotency-Key → ${retry.status}, same alert`,
  );

  const tasks = await until(
    () => interceptionsShown(consoleEvents, caseId),
    (t) => t.length > 0,
    5000,
  );
  say(
    `快速查找: interception tasks arrive on the console within moments (${tasks.length} for this center's hubs in the 100 km ring):`,
    tasks.map((t) => `${t.hub.name} — ${t.distanceKm.toFixed(1)} km`).join('\n  '),
  );

  // The ledger opens the case file from the alert's CaseOpened as the broker hands it over: a moment after the alert.
  await until(
    async () => (await call(urls.ledger, 'GET', `/v1/cases/${caseId}`, tokens.officer)).status,
    (s) => s === 200,
    10000,
  );
  const group = await call(urls.ledger, 'POST', `/v1/cases/${caseId}/group`, tokens.officer, demo.group.body);
  say('一长三包: the Kunming PSB director forms the case group and names an owner for each package.', `→ ${group.status}`);
  const premature = await call<{ error: { code: string } }>(urls.ledger, 'POST', `/v1/cases/${caseId}/group/dissolve`, tokens.officer, {
    reason: 'premature',
  });
  say(
    'Someone tries to dissolve the group before the case is solved: 案件不破，专案组不得撤销.',
    `→ ${premature.status} ${premature.body.error.code}`,
  );

  const dnaTask = await until(
    async () =>
      (
        await call<{ tasks: { taskId: string; kind: string; caseId: string }[] }>(
          urls.dispatch,
          'GET',
          `/v1/tasks?commandCenterId=${CONSOLE_CENTER}`,
          tokens.officer,
        )
      ).body.tasks ?? [],
    (list) => list.some((t) => t.caseId === caseId && t.kind === 'dna-sampling'),
    5000,
  ).then((list) => list.find((t) => t.caseId === caseId && t.kind === 'dna-sampling')!);
  const sample = await call<{ sampleId: string }>(urls.dispatch, 'POST', `/v1/dna/tasks/${dnaTask.taskId}/samples`, tokens.officer, {
    donor: 'mother',
  });
  const sampleId = sample.body.sampleId;
  const custody = [
    await call(urls.dispatch, 'POST', `/v1/dna/tasks/${dnaTask.taskId}/samples/${sampleId}/seal`, tokens.officer, { sealNumber: 'KM-2026-0042' }),
    await call(urls.dispatch, 'POST', `/v1/dna/tasks/${dnaTask.taskId}/samples/${sampleId}/receipt`, tokens.lab, { labId: demo.dna.labId }),
    await call(urls.dispatch, 'POST', `/v1/dna/tasks/${dnaTask.taskId}/results`, tokens.lab, {
      sampleId,
      labId: demo.dna.labId,
      result: 'profile-entered',
      profileRef: 'profile-km-0042',
    }),
    await call(urls.dispatch, 'POST', `/v1/dna/tasks/${dnaTask.taskId}/results`, tokens.lab, {
      sampleId,
      labId: demo.dna.labId,
      result: 'match',
      matchRef: 'match-km-0042',
    }),
    await call(urls.dispatch, 'POST', `/v1/dna/tasks/${dnaTask.taskId}/results`, tokens.lab, {
      sampleId,
      labId: demo.dna.labId,
      result: 'match',
      matchRef: 'match-km-0042',
    }),
  ];
  say(
    "采血入库比对: police collect and seal the mother's blood sample; the lab receives it, enters the profile, finds a match and confirms it.",
    `collect ${sample.status}, seal/receipt/profile/match/confirm → ${custody.map((c) => c.status).join(', ')}`,
  );
  await until(
    async () => (await call<{ parents?: unknown }>(urls.ledger, 'GET', `/v1/cases/${caseId}`, tokens.officer)).body,
    (c) => Boolean(c.parents),
    10000,
  );
  say('The confirmed match reaches the case file: the parents are identified by DNA.');

  const rescue = await call(urls.ledger, 'POST', `/v1/cases/${caseId}/rescue`, tokens.officer, {
    foundAt: demo.rescue.foundAt,
    household: demo.rescue.household,
  });
  say(
    `解救: the girl is found in ${demo.rescue.household.headOfHousehold}'s household in Luliang County, Qujing, and rescued.`,
    `→ ${rescue.status}`,
  );

  const handoverBody = {
    institution: demo.institution,
    foundInHouseholdId: demo.rescue.household.id,
    childLocation: demo.rescue.foundAt,
    materials: demo.handover.materials,
  };
  const buying = await call<{ error: { code: string } }>(urls.ledger, 'POST', `/v1/cases/${caseId}/handover`, tokens.officer, {
    ...handoverBody,
    placement: { kind: 'household', id: demo.rescue.household.id },
  });
  say('A handover that would leave her with the buying family is refused (不得由收买家庭继续抚养).', `→ ${buying.status} ${buying.body.error.code}`);
  const handover = await call(urls.ledger, 'POST', `/v1/cases/${caseId}/handover`, tokens.officer, handoverBody);
  const accepted = await call(urls.ledger, 'POST', `/v1/cases/${caseId}/handover/accept`, tokens.civilAffairs, {});
  say(
    `移交民政: she is handed, with ${demo.handover.materials.length} case materials, to ${demo.institution.name} until her parents arrive; civil affairs accepts.`,
    `→ ${handover.status}, accept ${accepted.status}`,
  );

  const solved = await call(urls.ledger, 'POST', `/v1/cases/${caseId}/solve`, tokens.officer, {
    summary: 'Trafficking ring identified; buyer and sellers detained.',
  });
  const returned = await call(urls.ledger, 'POST', `/v1/cases/${caseId}/return-to-parents`, tokens.officer, {
    notes: 'Parents collected her at the welfare institute.',
  });
  const dissolved = await call(urls.ledger, 'POST', `/v1/cases/${caseId}/group/dissolve`, tokens.officer, { reason: 'case solved, child home' });
  say(
    '破案: the case is solved, the girl goes home to her parents, and only now may the group be dissolved.',
    `solve ${solved.status}, return ${returned.status}, dissolve ${dissolved.status}`,
  );

  const alert = await until(
    async () => (await call<{ status: string; radiusKm: number }>(urls.alert, 'GET', `/v1/alerts/${alertId}`, tokens.officer)).body,
    (a) => a.status === 'closed',
    10000,
  );
  say(`The public release stands down: alert ${alert.status} at ${alert.radiusKm} km.`);

  const verify = await until(
    async () =>
      (
        await call<{ ok: boolean; entries: number; head: { seq: number; hash: string } | null; violations: unknown[] }>(
          urls.ledger,
          'GET',
          '/v1/ledger/verify',
          tokens.auditor,
        )
      ).body,
    (v) => v.entries > 0,
    10000,
  );
  say(
    '审计: an auditor verifies the hash-chained ledger and replays every case through the rules.',
    `ok=${verify.ok} entries=${verify.entries} violations=${verify.violations.length} head=#${verify.head?.seq} ${verify.head?.hash.slice(0, 16)}…`,
  );
  console.log(`\nReplay this case: npm run audit -- replay --case ${caseId}\n`);
  socket.close();
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting (${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
