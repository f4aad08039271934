/**
 * Run by tests/fresh-machine.test.ts inside the namespace of the system it started, the only place
 * its loopback can be reached from: files the scripted case's report as its upstream system would,
 * with a token signed by the key `npm start` created, then waits until the ledger has it, which it
 * can only have by way of Kafka. Prints what it saw as one line of JSON.
 */
import { signToken } from '@rapid-search/events';
import { call } from '@rapid-search/scripts/client';
import { loadDemoCase } from '@rapid-search/scripts/demo-case';
import { SERVICES } from '@rapid-search/scripts/services';
import { signingKey } from '@rapid-search/scripts/signing-keys';

const url = (name: string) => SERVICES.find((s) => s.name === name)!.url;
const key = signingKey({ create: false });
const demo = loadDemoCase();
const system = demo.alert.upstreamSystemId;
const upstream = await signToken({ sub: system, role: 'upstream', upstreamSystemId: system }, key, 600);
const auditor = await signToken({ sub: 'auditor-fresh-machine', role: 'auditor' }, key, 600);

const report = await call<{ alertId?: string; caseId?: string }>(url('alert'), 'POST', '/v1/alerts', upstream, demo.alertBody, {
  'idempotency-key': `fresh-machine-${Date.now()}`,
});
const sentAt = Date.now();
let ledgered = false;
while (report.status === 201 && !ledgered && Date.now() - sentAt < 30_000) {
  // NDJSON: text, or a parsed object when it is a single entry; either way the case id shows.
  const ledger = await call(url('ledger'), 'GET', '/v1/ledger', auditor);
  ledgered = JSON.stringify(ledger.body).includes(String(report.body.caseId));
  if (!ledgered) await new Promise((resolve) => setTimeout(resolve, 250));
}
console.log(JSON.stringify({ status: report.status, body: report.body, ledgered, ledgeredAfterMs: Date.now() - sentAt }));
