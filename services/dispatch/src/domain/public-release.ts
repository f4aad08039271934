import type { DomainEvent, DomainEventOf } from '@rapid-search/events';

/**
 * 信息发布: what the public release of an alert says, as the consoles show it — the child's public
 * description and photo, where and when last seen, the release radius. The reporter never enters
 * it: consoles see no more of an alert than the public does.
 */
export interface PublicRelease {
  caseId: string;
  alertId: string;
  child: { name: string; sex: string; ageYears?: number; dateOfBirth?: string; description?: string; photoUrl?: string };
  lastSeen: { at: string; lat: number; lon: number; regionCode: string; address?: string | undefined };
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
