import type { Principal } from './auth.js';
import type { DomainEventOf, UnmaskedScope } from './catalog/index.js';
import { ValidationError } from './errors.js';

/** The grant under which a caller whose role does not show personal data may see it. */
export const PERSONAL_DATA_GRANT = 'personal-data';

/**
 * How a read shows personal data: not at all, because of the reader's role (an officer working
 * the case), or because of the grant alone. Each service says which of its roles see what.
 */
export type Sight = 'masked' | 'by-role' | 'by-grant';

/** A read about to return data: who asks and how they see it, what it shows, through which route, why (as given), when. */
export interface PersonalDataRead {
  reader: Pick<Principal, 'sub' | 'officerId' | 'role' | 'grants'>;
  sight: Sight;
  scope: UnmaskedScope;
  route: string;
  reason: string | undefined;
  at: string;
}

/**
 * 个人信息查阅 — a read that shows personal data under a grant must say why, and is recorded before
 * the data is returned; a masked read, or one by role, needs no reason and records nothing.
 */
export function decideUnmasking(read: PersonalDataRead): DomainEventOf<'PersonalDataUnmasked'>[] {
  if (read.sight !== 'by-grant') return [];
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
