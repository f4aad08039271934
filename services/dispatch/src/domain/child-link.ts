import type { DomainEvent, EventData } from '@rapid-search/events';

/** The open case whose parents' sample carries a DNA profile: what a child's match reference finds. */
export interface CaseOfProfile {
  caseId: string;
  parentsTaskId: string;
  /** The centre holding the case's parents' task: the case's centre. */
  commandCenterId: string;
  /** The case's region: whose jurisdiction holds it has authority over the case. */
  regionCode: string;
  /**
   * The matched profile's reference as the case's own records hold it (sealed under the case's
   * key, where the child's results are sealed under the child's): the link is filed under the
   * case, so it names the profile the way the case does.
   */
  profileRef: string;
}

/** Where a child of unknown origin was found and placed, from its record. */
export type ChildRecord = Pick<EventData<'UnknownOriginChildRecorded'>, 'childRef' | 'place' | 'placement'>;

/** The case a child's confirmed match linked it to. */
export interface LinkedCase {
  caseId: string;
  regionCode: string;
}

interface ConfirmedMatch {
  taskId: string;
  sampleId: string;
  at: string;
}

/**
 * 比中关联: a child's match, once re-tested, links the child to the case whose parents' profile it
 * matched. A match naming no profile of an open case links nothing: the match stays on the child's
 * record, where the registration gate reads it as blocking.
 */
export function linkChild(child: ChildRecord | undefined, match: ConfirmedMatch, found: CaseOfProfile | undefined): DomainEvent[] {
  if (!child || !found) return [];
  const { childRef, place, placement } = child;
  return [
    {
      type: 'UnknownOriginChildMatchedToCase',
      data: {
        childRef,
        caseId: found.caseId,
        taskId: match.taskId,
        sampleId: match.sampleId,
        matchRef: found.profileRef,
        parentsTaskId: found.parentsTaskId,
        caseCommandCenterId: found.commandCenterId,
        caseRegionCode: found.regionCode,
        place,
        ...(placement ? { placement } : {}),
        matchedAt: match.at,
      },
    },
  ];
}
