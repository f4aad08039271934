import t from 'tap';
import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';
import { CaseRules, typeOf } from './case-rules.js';
import { ChainLinks, HASH_HEX } from './chain-links.js';
import { reportOf } from './report.js';

const AT = '2025-05-03T10:00:00.000Z';
let n = 0;
function envelope(type: string, caseId: string, data: Record<string, unknown>) {
  n++;
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type,
    version: 1,
    streamId: `case-${caseId}`,
    streamVersion: n,
    position: n,
    caseId,
    metadata: { actor: { id: 'o', role: 'officer' }, correlationId: 'c', causationId: null },
    occurredAt: AT,
    recordedAt: AT,
    data: { caseId, ...data },
  };
}
/** A stored row as the tests tamper with it; the verifier reads it as the COPY hands it over. */
interface ChainRow {
  seq: number;
  eventId: string;
  prevHash: string;
  hash: string;
  entry: string;
}
function chain(envelopes: ReturnType<typeof envelope>[]): ChainRow[] {
  let prev = GENESIS_HASH;
  return envelopes.map((e, i) => {
    const entry = canonicalJson(e);
    const hash = chainHash(prev, entry);
    const row = { seq: i + 1, eventId: e.eventId, prevHash: prev, hash, entry };
    prev = hash;
    return row;
  });
}
const chief = { officerId: 'o', name: 'n', title: 't', unitLevel: 'city' };
const packages = { investigation: 'a', rescue: 'b', familySupport: 'c' };
const lawfulCase = (id: string) => [
  envelope('CaseFileOpened', id, { alertId: 'a', regionCode: '530111', openedAt: AT }),
  envelope('CaseGroupFormed', id, { chief, packages, formedAt: AT }),
  envelope('ChildRescued', id, {
    foundAt: { lat: 1, lon: 1, regionCode: '530111' },
    household: { id: 'h', headOfHousehold: 'x', address: 'y' },
    rescuedAt: AT,
  }),
  envelope('ParentsIdentified', id, { method: 'dna', evidenceRef: 'm', identifiedAt: AT }),
  envelope('ChildReturnedToParents', id, { returnedAt: AT }),
  envelope('CaseSolved', id, { summary: 's', solvedAt: AT }),
  envelope('CaseGroupDissolved', id, { reason: 'r', dissolvedAt: AT }),
];

function verify(rows: ChainRow[]) {
  const links = new ChainLinks();
  const rules = new CaseRules();
  for (const row of rows) {
    const bytes = Buffer.from(row.hash + row.prevHash + row.entry);
    const linkedAt = row.hash.length;
    links.check({ seq: row.seq, bytes, hashAt: 0, hashEnd: linkedAt, linkedAt, linkedEnd: bytes.length, eventId: () => row.eventId });
    rules.replay(row.seq, bytes, linkedAt + HASH_HEX, bytes.length, () => row.eventId);
  }
  return reportOf([links.verdict], rules);
}

t.test('an intact chain of lawful cases verifies', async (t) => {
  const rows = chain([...lawfulCase('a'), ...lawfulCase('b')]);
  const report = verify(rows);
  t.same(report, { ok: true, entries: 14, head: { seq: 14, hash: rows[13]!.hash }, brokenLinks: 0, violations: [] });
});

t.test('an altered entry is reported, by itself, as the first broken link', async (t) => {
  const rows = chain(lawfulCase('a'));
  rows[2] = { ...rows[2]!, entry: rows[2]!.entry.replace('"h"', '"h2"') };
  const report = verify(rows);
  t.equal(report.ok, false);
  t.equal(report.brokenLinks, 1);
  t.match(report.violations, [{ seq: 3, eventId: rows[2]!.eventId, rule: 'BROKEN_LINK' }]);
});

t.test('a re-hashed entry breaks the next link; a missing entry breaks the sequence', async (t) => {
  const rows = chain(lawfulCase('a'));
  const entry = rows[2]!.entry.replace('"h"', '"h2"');
  rows[2] = { ...rows[2]!, entry, hash: chainHash(rows[2]!.prevHash, entry) };
  t.match(verify(rows).violations, [{ seq: 4, rule: 'BROKEN_LINK' }]);
  const gap = chain(lawfulCase('b'));
  gap.splice(3, 1);
  t.match(verify(gap).violations, [{ seq: 5, rule: 'BROKEN_LINK' }]);
});

t.test('history written around the rules is named, rule and entry', async (t) => {
  const [opened, formed, rescued, identified, returned, solved, dissolved] = lawfulCase('x');
  const noChief = { ...formed!, data: { ...formed!.data, chief: undefined } };
  const handover = envelope('HandoverToCivilAffairsInitiated', 'x', { foundInHouseholdId: 'h', placement: { kind: 'household', id: 'h' } });
  const rows = chain([opened!, noChief, rescued!, handover, returned!, dissolved!, identified!, solved!]);
  const report = verify(rows);
  t.equal(report.ok, false);
  t.equal(report.brokenLinks, 0, 'the chain itself is intact');
  t.same(
    report.violations.map((v) => [v.seq, v.rule]),
    [
      [2, 'GROUP_WITHOUT_CHIEF'],
      [4, 'PLACED_WITH_BUYING_FAMILY'],
      [5, 'RETURNED_WITHOUT_IDENTIFICATION'],
      [6, 'DISSOLVED_BEFORE_SOLVED'],
    ],
  );
  t.equal(report.violations[3]!.eventId, dissolved!.eventId);
});

t.test('the type is read from the tail of the canonical text, not from nested data', async (t) => {
  t.equal(typeOf(Buffer.from(canonicalJson({ data: { type: 'Nested', x: { type: 'Deeper' } }, type: 'CaseSolved', version: 1 }))), 'CaseSolved');
});

t.test('有效线索奖励: a reward for a confirmed lead of the case passes; one for a tip no lead confirmed is named', async (t) => {
  const reward = (tipId: string) => envelope('LeadRewardEligibilityRecorded', 'r', { tipId, leadTaskId: 'lead-1', recordedBy: 'o', recordedAt: AT });
  const rows = chain([
    envelope('TipReceived', 'r', { tipId: 'tip-1', contact: { phone: '13912345678', mayCall: true } }),
    envelope('LeadVerificationTaskAssigned', 'r', { taskId: 'lead-1', tipId: 'tip-1' }),
    envelope('TipLinkedToLead', 'r', { taskId: 'lead-1', tipId: 'tip-near' }),
    envelope('TaskCompleted', 'r', { taskId: 'lead-1', outcome: 'sighting-confirmed' }),
    reward('tip-1'),
    reward('tip-near'),
    envelope('TipReceived', 'r', { tipId: 'tip-2' }),
    reward('tip-2'),
    envelope('LeadVerificationTaskAssigned', 'r', { taskId: 'lead-3', tipId: 'tip-3' }),
    envelope('TaskCompleted', 'r', { taskId: 'lead-3', outcome: 'dismissed', notes: '"outcome":"sighting-confirmed" was a prank' }),
    reward('tip-3'),
  ]);
  t.same(
    verify(rows).violations.map((v) => [v.seq, v.rule]),
    [
      [8, 'REWARD_WITHOUT_CONFIRMED_LEAD'],
      [11, 'REWARD_WITHOUT_CONFIRMED_LEAD'],
    ],
  );
});
