import t from 'tap';
import { maskEntryText, maskPersonalData, seesPersonalData, sightOf } from './mask.js';

t.test('personal data is masked: reporter, child name, phones, DNA references', async (t) => {
  const entry = {
    type: 'MissingChildReported',
    data: {
      child: { name: 'Zhang Xiaoyu', sex: 'female' },
      reporter: { name: 'Liu Fang', phone: '13812345678', relation: 'mother' },
      chief: { name: 'Yang Jianguo' },
      evidenceRef: 'match-1',
    },
  };
  t.same(maskPersonalData(entry).data, {
    child: { name: '[masked]', sex: 'female' },
    reporter: { name: '[masked]', phone: '[masked]', relation: 'mother' },
    chief: { name: 'Yang Jianguo' },
    evidenceRef: '[masked]',
  });
  const text = JSON.stringify(entry);
  t.notMatch(maskEntryText(text), /13812345678|Zhang Xiaoyu|match-1|Liu Fang/);
  const plain = '{"data":{"summary":"s"},"type":"CaseSolved"}';
  t.equal(maskEntryText(plain), plain, 'entries without personal data pass through as stored');
});

t.test("a child's link to a case keeps the case and drops the DNA reference of the parents' profile", async (t) => {
  const link = { type: 'UnknownOriginChildMatchedToCase', data: { childRef: 'child-1', caseId: 'case-9', matchRef: 'profile-parents-9' } };
  t.same(maskPersonalData(link).data, { childRef: 'child-1', caseId: 'case-9', matchRef: '[masked]' });
  t.notMatch(maskEntryText(JSON.stringify(link)), /profile-parents-9/);
});

t.test('who sees personal data', async (t) => {
  t.equal(seesPersonalData({ sub: 'a', role: 'auditor', grants: [] }), false);
  t.equal(seesPersonalData({ sub: 'a', role: 'auditor', grants: ['personal-data'] }), true);
  t.equal(seesPersonalData({ sub: 'o', role: 'officer', grants: [] }), true);
});

t.test('given each caller, when asked how they see personal data, then only a non-officer with the grant sees it by grant', async (t) => {
  t.equal(sightOf({ role: 'auditor', grants: [] }), 'masked');
  t.equal(sightOf({ role: 'civil-affairs', grants: ['personal-data'] }), 'by-grant');
  t.equal(sightOf({ role: 'auditor', grants: ['personal-data'] }), 'by-grant');
  t.equal(sightOf({ role: 'officer', grants: ['personal-data'] }), 'by-role', 'an officer sees it by role, grant or not');
});
