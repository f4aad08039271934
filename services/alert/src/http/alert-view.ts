import { ERASED, PERSONAL_DATA_GRANT, type PersonalData, type Principal, type Sight } from '@rapid-search/events';
import { z } from 'zod';
import type { AlertRow } from '../db/alert-reads.js';

export const AlertView = z.object({
  alertId: z.string(),
  caseId: z.string(),
  status: z.enum(['open', 'closed']),
  radiusKm: z.number(),
  nextWideningAt: z.string().nullable(),
  upstreamSystemId: z.string(),
  source: z.string(),
  reportedAt: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  closeReason: z.string().nullable(),
  duplicateReports: z.number(),
  /** 演练: present, and true, on a drill only. */
  exercise: z.literal(true).optional(),
  lastSeen: z.object({ at: z.string(), lat: z.number(), lon: z.number(), regionCode: z.string(), address: z.string().optional() }),
  child: z.object({
    name: z.string(),
    sex: z.string(),
    ageYears: z.number().optional(),
    dateOfBirth: z.string().optional(),
    description: z.string().optional(),
    photoUrl: z.string().optional(),
  }),
  reporter: z.object({ name: z.string(), phone: z.string(), relation: z.string() }).optional(),
});
export type AlertView = z.infer<typeof AlertView>;

/** The child's name: every role that works or reports a case sees it; an auditor only under the grant. */
export function sightOf(principal: Pick<Principal, 'role' | 'grants'>): Sight {
  if (principal.role !== 'auditor') return 'by-role';
  return principal.grants.includes(PERSONAL_DATA_GRANT) ? 'by-grant' : 'masked';
}

/**
 * The alerts as a caller may see them, opened at the edge: the fields `viewOf` keeps for the
 * caller's role are opened (one read of the keys for all the rows), then the child's name is masked
 * where `sight` says so. A reporter's contact is opened for an officer only, who alone is shown it.
 */
export async function openedViews(personal: PersonalData, rows: readonly AlertRow[], principal: Principal, sight: Sight): Promise<AlertView[]> {
  const views = await personal.open(rows.map((row) => viewOf(row, principal)));
  return sight === 'masked' ? views.map((view) => ({ ...view, child: { ...view.child, name: maskName(view.child.name) } })) : views;
}

/** What a caller's role may see of an alert, its personal fields as the row holds them (sealed); the reporter's contact goes to officers only. */
function viewOf(row: AlertRow, principal: Principal): AlertView {
  return {
    alertId: row.alert_id,
    caseId: row.case_id,
    status: row.status,
    radiusKm: row.radius_km,
    nextWideningAt: row.next_widening_at?.toISOString() ?? null,
    upstreamSystemId: row.upstream_system_id,
    source: row.source,
    reportedAt: row.reported_at.toISOString(),
    openedAt: row.opened_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    closeReason: row.close_reason,
    duplicateReports: row.duplicate_reports,
    ...(row.exercise ? { exercise: true as const } : {}),
    lastSeen: row.last_seen,
    child: row.child,
    ...(principal.role === 'officer' ? { reporter: row.reporter } : {}),
  };
}

/** Keeps the first character (a surname, usually) and hides the rest, including its length; an erased name stays `[erased]`. */
function maskName(name: string): string {
  return name === ERASED ? ERASED : `${[...name][0] ?? ''}**`;
}

/** An upstream system sees only what it reported itself. */
export function visibleTo(row: AlertRow, principal: Principal): boolean {
  return principal.role !== 'upstream' || row.upstream_system_id === principal.upstreamSystemId;
}
