import { ValidationError, type DomainEventOf, type Principal, type UnmaskedScope } from '@rapid-search/events';

export const PERSONAL_DATA_GRANT = 'personal-data';

/**
 * How a caller sees personal data: officers work the case and see it by their role; anyone else
 * sees it only under the personal-data grant, and it is such a read that is recorded.
 */
export function sightOf(principal: Pick<Principal, 'role' | 'grants'>): 'masked' | 'by-role' | 'by-grant' {
  if (principal.role === 'officer') return 'by-role';
  return principal.grants.includes(PERSONAL_DATA_GRANT) ? 'by-grant' : 'masked';
}

/** A read about to return data: who asks, what it shows, through which route, why (as given), when. */
export interface PersonalDataRead {
  reader: Pick<Principal, 'sub' | 'officerId' | 'role' | 'grants'>;
  scope: UnmaskedScope;
  route: string;
  reason: string | undefined;
  at: string;
}

/**
 * 个人信息查阅 — a read that shows personal data under a grant must say why, and is recorded before
 * the data is returned; a masked read, or an officer's by role, needs no reason and records nothing.
 */
export function decideUnmasking(read: PersonalDataRead): DomainEventOf<'PersonalDataUnmasked'>[] {
  if (sightOf(read.reader) !== 'by-grant') return [];
  if (read.reason === undefined) {
    throw new ValidationError([{ path: 'query.reason', message: 'required to see personal data under the personal-data grant: why you read it' }]);
  }
  const { reader } = read;
  return [
    {
      type: 'PersonalDataUnmasked',
      data: {
        reader: { id: reader.officerId ?? reader.sub, role: reader.role, grants: [...reader.grants] },
        scope: read.scope,
        route: read.route,
        reason: read.reason,
        unmaskedAt: read.at,
      },
    },
  ];
}
