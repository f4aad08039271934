import type { AlongsideRow } from '@rapid-search/events';
import type { PoolClient } from 'pg';
import type { AlertState } from '../domain/alert.js';
import type { AlertReport, Reporter } from '../domain/report.js';
import { nextWidening } from '../domain/schedule.js';

/**
 * Each alert's state, kept in its `alerts` row at the stream version it was folded to, and written
 * in the transaction of every append to the stream: read back, it is the state the next append
 * decides on, without reading the stream. The functions named here are the schema's writers
 * (migrations.ts), which take a jsonb array of rows.
 */
const WRITERS = { open: 'open_alerts', save: 'save_alert_states' } as const;

/** The columns of a row that hold the state, as `stateOf` reads them. */
export interface StateRow {
  alert_id: string;
  case_id: string;
  status: 'open' | 'closed';
  last_seen: { at: string; lat: number; lon: number; regionCode: string; address?: string };
  radius_km: number;
  stream_version: number;
  duplicate_reports: number;
  closed_at: Date | string | null;
  close_reason: string | null;
}

export function stateOf(row: StateRow): AlertState {
  const { at, lat, lon, regionCode, address } = row.last_seen;
  return {
    alertId: row.alert_id,
    caseId: row.case_id,
    status: row.status,
    lastSeen: { at, lat, lon, regionCode, ...(address === undefined ? {} : { address }) },
    radiusKm: row.radius_km,
    version: row.stream_version,
    duplicateReports: row.duplicate_reports,
    closed: row.closed_at && row.close_reason ? { at: new Date(row.closed_at).toISOString(), reason: row.close_reason } : null,
  };
}

/** What a state writes of its row; the next widening is where the scheduler looks for due alerts. */
function stateColumns(state: AlertState) {
  const next = state.status === 'open' && state.lastSeen ? nextWidening(new Date(state.lastSeen.at), state.radiusKm) : null;
  return {
    alert_id: state.alertId,
    stream_version: state.version,
    status: state.status,
    radius_km: state.radiusKm,
    ...(state.lastSeen ? { last_seen: state.lastSeen, last_seen_at: state.lastSeen.at } : {}),
    next_widening_at: next?.dueAt.toISOString() ?? null,
    duplicate_reports: state.duplicateReports,
    closed_at: state.closed?.at ?? null,
    close_reason: state.closed?.reason ?? null,
  };
}

/** The state of an alert that moved on, written alongside the append that moved it. */
export const savedState = (state: AlertState): AlongsideRow => ({ writer: WRITERS.save, row: stateColumns(state) });

/**
 * The row of a newly opened alert: the report (its personal fields already sealed), the state its
 * opening events leave, and the child's alert number, which two reports of one child that read the
 * same number cannot both take.
 */
export function openedAlert(opened: {
  state: AlertState;
  report: AlertReport;
  reporter: Reporter;
  openedAt: Date;
  duplicateKey: string;
  childVersion: number;
}): AlongsideRow {
  const { state, report, reporter } = opened;
  return {
    writer: WRITERS.open,
    row: {
      ...stateColumns(state),
      case_id: state.caseId,
      upstream_system_id: reporter.upstreamSystemId,
      source: reporter.source,
      region_code: report.lastSeen.regionCode,
      child: report.child,
      reporter: report.reporter,
      last_seen: report.lastSeen,
      last_seen_at: report.lastSeen.at,
      reported_at: report.reportedAt,
      opened_at: opened.openedAt.toISOString(),
      duplicate_key: opened.duplicateKey,
      child_version: opened.childVersion,
      exercise: report.exercise === true,
    },
  };
}

/** Writes the state a scheduler or consumer just appended in its own transaction. */
export async function saveState(tx: PoolClient, state: AlertState): Promise<void> {
  await tx.query(`SELECT alert.${WRITERS.save}($1::jsonb)`, [JSON.stringify([stateColumns(state)])]);
}
