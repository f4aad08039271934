import { randomBytes } from 'node:crypto';
import t from 'tap';
import { dataKeyOf, ERASED, seal } from '@rapid-search/events';
import { evolveLeads, noLeads, rewardWithoutConfirmedLead, type RecordedEvent } from './lead-reward-rule.js';

const key = dataKeyOf('key-case-1', randomBytes(32));
const tip = (phone: string): RecordedEvent => ({ type: 'TipReceived', data: { tipId: 'tip-1', contact: { phone } } });
const lead: RecordedEvent = { type: 'LeadVerificationTaskAssigned', data: { tipId: 'tip-1', taskId: 'task-1' } };
const confirmed: RecordedEvent = { type: 'TaskCompleted', data: { taskId: 'task-1', outcome: 'sighting-confirmed' } };
const reward: RecordedEvent = { type: 'LeadRewardEligibilityRecorded', data: { tipId: 'tip-1' } };
const after = (history: RecordedEvent[]) => history.reduce(evolveLeads, noLeads());

t.test('given a tip whose phone was opened, when it is folded, then the tipster is known by the masked phone', async (t) => {
  t.same(after([tip('13912345678')]).tips.get('tip-1'), { maskedPhone: '139****5678' });
});

t.test('given a tip whose phone is sealed or erased, when it is folded, then the tip counts and shows no phone', async (t) => {
  for (const phone of [seal(key, '13912345678'), ERASED]) {
    const leads = after([tip(phone), lead, confirmed]);
    t.same(leads.tips.get('tip-1'), {}, phone.slice(0, 8));
    t.equal(rewardWithoutConfirmedLead(leads, reward), false, 'its confirmed lead still makes the reward sound');
  }
});
