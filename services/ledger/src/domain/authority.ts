import { Forbidden, regionContains, RuleViolation } from '@rapid-search/events';
import type { CommandActor } from './commands.js';
import type { CaseState } from './state.js';

/**
 * Who may run a case: an officer whose unit has jurisdiction over the case's region (the unit's
 * region is the case's or above it), or a member of its case group (the chief and the three
 * package owners, 一长三包), wherever they serve. An officer of Xi'an does not run a Kunming case
 * unless the group has them.
 */
export function needAuthorityOverCase(actor: CommandActor, state: CaseState): void {
  if (actor.role !== 'officer') throw new Forbidden(`role ${actor.role} may not do this; needs officer`);
  const group = state.group;
  const member = group !== null && (group.chief.officerId === actor.id || Object.values(group.packages).includes(actor.id));
  if (member) return;
  const caseRegion = state.opened?.regionCode;
  if (actor.unit && caseRegion && regionContains(actor.unit.regionCode, caseRegion)) return;
  throw noAuthority(actor, state.caseId, caseRegion);
}

function noAuthority(actor: CommandActor, caseId: string, region: string | undefined): RuleViolation {
  const unit = actor.unit ? ` of ${actor.unit.id} (region ${actor.unit.regionCode})` : '';
  const where = region ? ` in region ${region}` : '';
  return new RuleViolation(
    'NO_AUTHORITY_OVER_CASE',
    `officer ${actor.id}${unit} has no authority over case ${caseId}${where}: neither its jurisdiction nor its case group`,
    {
      status: 403,
    },
  );
}
