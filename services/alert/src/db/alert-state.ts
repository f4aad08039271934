import { z } from 'zod';
import type { Pool, PoolClient } from 'pg';
import type { AlertState } from '../domain/alert.js';
import type { AlertReport, Reporter } from '../domain/report.js';
import { INITIAL_RADIUS_KM, nextWidening } from '../domain/schedule.js';

/** A row of the `alerts` projection as read back. */
export interface AlertRow {
  alert_id: string;
  case_id: string;
  stream_version: number;
  status: 'open' | 'closed';
  upstream_system_id: string;
  source: string;
  region_code: string;
  child: AlertReport['child'];
  reporter: AlertReport['reporter'];
  last_seen: AlertReport['lastSeen'];
  last_seen_at: Date;
  reported_at: Date;
  opened_at: Date;
  radius_km: number;
  next_widening_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  duplicate_reports: number;
}

/**
 * The row a newly opened alert starts with, less the child, reporter and last sighting, which
 * `accept_reports` takes from the MissingChildReported event rather than have them sent twice.
 */
export function openedAlertRow(options: {
  alertId: string;
  caseId: string;
  report: AlertReport;
  reporter: Reporter;
  duplicateKey: string;
  openedAt: Date;
  streamVersion: number;
}): Record<string, unknown> {
  const { report } = options;
  return {
    alert_id: options.alertId,
    case_id: options.caseId,
    status: 'open',
    upstream_system_id: options.reporter.upstreamSystemId,
    source: options.reporter.source,
    region_code: report.lastSeen.regionCode,
    stream_version: options.streamVersion,
    last_seen_at: report.lastSeen.at,
    reported_at: report.reportedAt,
    opened_at: options.openedAt.toISOString(),
    radius_km: INITIAL_RADIUS_KM,
    next_widening_at: nextWidening(new Date(report.lastSeen.at), INITIAL_RADIUS_KM)?.dueAt.toISOString() ?? null,
    duplicate_reports: 0,
    duplicate_key: options.duplicateKey,
  };
}

export function stateOf(row: AlertRow): AlertState {
  const { at, lat, lon, regionCode } = row.last_seen;
  return {
    alertId: row.alert_id,
    caseId: row.case_id,
    status: row.status,
    lastSeen: { at, lat, lon, regionCode },
    radiusKm: row.radius_km,
    version: row.stream_version,
  };
}

/** Writes what the scheduler or the closer just appended, in the transaction of that append. */
export async function saveState(tx: PoolClient, state: AlertState, closed?: { at: string; reason: string }): Promise<void> {
  const next = state.status === 'open' && state.lastSeen ? nextWidening(new Date(state.lastSeen.at), state.radiusKm) : null;
  await tx.query(
    `UPDATE alert.alerts SET stream_version = $2, status = $3, radius_km = $4, next_widening_at = $5,
            closed_at = coalesce($6, closed_at), close_reason = coalesce($7, close_reason)
      WHERE alert_id = $1`,
    [state.alertId, state.version, state.status, state.radiusKm, next?.dueAt ?? null, closed?.at ?? null, closed?.reason ?? null],
  );
}

export async function findAlert(db: Pool | PoolClient, alertId: string): Promise<AlertRow | undefined> {
  const { rows } = await db.query<AlertRow>('SELECT * FROM alert.alerts WHERE alert_id = $1', [alertId]);
  return rows[0];
}

export async function findAlertByCase(db: Pool | PoolClient, caseId: string): Promise<AlertRow | undefined> {
  const { rows } = await db.query<AlertRow>('SELECT * FROM alert.alerts WHERE case_id = $1', [caseId]);
  return rows[0];
}

export async function dueAlerts(db: Pool | PoolClient, now: Date, limit: number): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT * FROM alert.alerts WHERE status = 'open' AND next_widening_at <= $1 ORDER BY next_widening_at LIMIT $2`,
    [now, limit],
  );
  return rows;
}

/** Where a page of alerts ends: newest opening first, the alert id breaking ties. */
export const AlertCursor = z.tuple([z.iso.datetime(), z.string().min(1)]);

export async function listAlerts(
  pool: Pool,
  filter: { status?: 'open' | 'closed'; regionCode?: string; upstreamSystemId?: string; before?: z.infer<typeof AlertCursor> | undefined; limit: number },
): Promise<AlertRow[]> {
  const { rows } = await pool.query<AlertRow>(
    `SELECT * FROM alert.alerts
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR region_code = $2)
        AND ($3::text IS NULL OR upstream_system_id = $3)
        AND ($4::timestamptz IS NULL OR (opened_at, alert_id) < ($4::timestamptz, $5::text))
      ORDER BY opened_at DESC, alert_id DESC LIMIT $6`,
    [filter.status ?? null, filter.regionCode ?? null, filter.upstreamSystemId ?? null, filter.before?.[0] ?? null, filter.before?.[1] ?? null, filter.limit],
  );
  return rows;
}
