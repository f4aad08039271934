import t from 'tap';
import type { DomainEvent } from '@rapid-search/events';
import type { CommandActor } from './commands.js';
import { AT, caseId, command, officer, opened, solved, system, theCase } from './case-fixtures.test-helper.js';

const protector: CommandActor = { ...officer, id: 'officer-dp', grants: ['data-protection'] };
const erase = { kind: 'ErasePersonalData', why: 'request' } as const;
const onRetention = { kind: 'ErasePersonalData', why: 'retention' } as const;
const withdrawn: DomainEvent = { type: 'ReportWithdrawn', data: { caseId, alertId: 'alert-1', withdrawnAt: AT } };
const erased: DomainEvent = { type: 'PersonalDataErased', data: { caseId, erasedAt: AT, by: 'officer-dp', why: 'request' } };

t.test('given a case not solved, when an officer with the grant erases it, then it is refused', async (t) => {
  theCase(t).given([opened]).when(command(erase, protector)).thenThrows({ code: 'CASE_NOT_CLOSED', status: 409 });
  theCase(t).given([opened]).when(command(onRetention, system)).thenThrows('CASE_NOT_CLOSED');
});

t.test('given a solved case, when an officer with the grant erases it, then PersonalDataErased names them', async (t) => {
  const decided = theCase(t).given([opened, solved]).when(command(erase, protector));
  decided.then([{ type: 'PersonalDataErased', data: { caseId, erasedAt: AT, by: 'officer-dp', why: 'request' } }]);
  decided.thenState({ erasedAt: AT });
  theCase(t)
    .given([opened, withdrawn])
    .when(command(erase, protector))
    .thenMatches([{ type: 'PersonalDataErased' }], 'a report withdrawn as false closes the case too');
});

t.test('given a solved case, when the retention period erases it, then PersonalDataErased says retention', async (t) => {
  theCase(t)
    .given([opened, solved])
    .when(command(onRetention, system))
    .then([{ type: 'PersonalDataErased', data: { caseId, erasedAt: AT, by: 'retention', why: 'retention' } }]);
  theCase(t).given([opened, solved]).when(command(onRetention, protector)).thenThrows('FORBIDDEN', 'only the ledger erases on retention');
});

t.test('given an erased case, when it is erased again, then nothing is decided', async (t) => {
  theCase(t).given([opened, solved, erased]).when(command(erase, protector)).thenNothingHappened();
  theCase(t).given([opened, solved, erased]).when(command(onRetention, system)).thenNothingHappened();
});

t.test('given a solved case, when an officer lacks the grant or the authority, then it is refused', async (t) => {
  theCase(t).given([opened, solved]).when(command(erase, officer)).thenThrows('FORBIDDEN');
  const elsewhere: CommandActor = { ...protector, unit: { id: 'cc-xian', regionCode: '610100' } };
  theCase(t).given([opened, solved]).when(command(erase, elsewhere)).thenThrows({ code: 'NO_AUTHORITY_OVER_CASE', status: 403 });
  theCase(t).given([]).when(command(erase, protector)).thenThrows('NOT_FOUND');
});
