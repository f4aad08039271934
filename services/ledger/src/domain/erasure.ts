import { Forbidden, RuleViolation, type DomainEvent } from '@rapid-search/events';
import { needAuthorityOverCase } from './authority.js';
import { DATA_PROTECTION, type CaseCommand } from './commands.js';
import type { CaseState } from './state.js';

/** When the case closed: solved (破案), or its report withdrawn as false; null while it is open. */
export function closedAt(state: CaseState): string | null {
  return state.solvedAt ?? state.withdrawnAt;
}

/**
 * 个人信息删除: erasure is for good, so it waits until the case no longer needs the data to find the
 * child. On request it is an officer's who runs the case and speaks for data protection; on
 * retention it is the ledger's own. Destroying the key is the caller's part: the decision is pure.
 */
export function decideErasure(command: Extract<CaseCommand, { kind: 'ErasePersonalData' }>, state: CaseState): DomainEvent[] {
  const { caseId, actor, why, at } = command;
  if (why === 'retention') {
    if (actor.role !== 'system') throw new Forbidden(`role ${actor.role} may not erase on retention; only the ledger does`);
  } else {
    needAuthorityOverCase(actor, state);
    if (!actor.grants.includes(DATA_PROTECTION)) throw new Forbidden(`erasing personal data needs the grant ${DATA_PROTECTION}`);
  }
  if (state.erasedAt) return [];
  if (!closedAt(state)) {
    throw new RuleViolation(
      'CASE_NOT_CLOSED',
      `case ${caseId} is neither solved nor withdrawn: its personal data is still needed to find the child, and erasure cannot be undone`,
    );
  }
  return [{ type: 'PersonalDataErased', data: { caseId, erasedAt: at, by: why === 'retention' ? 'retention' : actor.id, why } }];
}
