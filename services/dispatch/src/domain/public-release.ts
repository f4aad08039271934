import type { ChildDescription, DomainEvent, DomainEventOf, LastSeen } from '@rapid-search/events';
import type { z } from 'zod';

/**
 * 信息发布: what the public release of an alert says, as the consoles show it — the child's public
 * description and photo, where and when last seen, the release radius. The reporter never enters
 * it: consoles see no more of an alert than the public does.
 */
export interface PublicRelease {
  caseId: string;
  alertId: string;
  child: z.infer<typeof ChildDescription>;
  lastSeen: z.infer<typeof LastSeen>;
  radiusKm: number | null;
  closed: { at: string; reason: string } | null;
}

/** One change to a release: each is idempotent, so a redelivered event changes nothing more. */
export type ReleaseChange =
  | { kind: 'opened'; release: PublicRelease }
  | { kind: 'radius'; caseId: string; radiusKm: number }
  | { kind: 'moved'; caseId: string; lastSeen: PublicRelease['lastSeen'] }
  | { kind: 'closed'; caseId: string; at: string; reason: string };

export const RELEASE_EVENTS = [
  'MissingChildReported',
  'QuickSearchActivated',
  'PublicReleaseRadiusWidened',
  'SightingConfirmed',
  'AlertClosed',
] as const;

export function releaseChange(event: DomainEvent): ReleaseChange | null {
  switch (event.type) {
    case 'MissingChildReported':
      return { kind: 'opened', release: opened(event.data) };
    case 'QuickSearchActivated':
      return { kind: 'radius', caseId: event.data.caseId, radiusKm: event.data.radiusKm };
    case 'PublicReleaseRadiusWidened':
      return { kind: 'radius', caseId: event.data.caseId, radiusKm: event.data.toKm };
    case 'SightingConfirmed':
      return { kind: 'moved', caseId: event.data.caseId, lastSeen: event.data.lastSeen };
    case 'AlertClosed':
      return { kind: 'closed', caseId: event.data.caseId, at: event.data.closedAt, reason: event.data.reason };
    default:
      return null;
  }
}

function opened(report: DomainEventOf<'MissingChildReported'>['data']): PublicRelease {
  const { name, sex, ageYears, dateOfBirth, description, photoUrl } = report.child;
  return {
    caseId: report.caseId,
    alertId: report.alertId,
    child: {
      name,
      sex,
      ...(ageYears === undefined ? {} : { ageYears }),
      ...(dateOfBirth === undefined ? {} : { dateOfBirth }),
      ...(description === undefined ? {} : { description }),
      ...(photoUrl === undefined ? {} : { photoUrl }),
    },
    lastSeen: report.lastSeen,
    radiusKm: null,
    closed: null,
  };
}
