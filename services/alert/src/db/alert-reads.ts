import { z } from 'zod';
import type { Pool, PoolClient } from 'pg';
import type { AlertAnswer } from '../domain/intake.js';
import type { AlertReport } from '../domain/report.js';

/** A row of the `alerts` table as the read side shows it: the report the alert was opened with, and its state. */
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
  /** 演练: a drill, whose every event is marked so. */
  exercise: boolean;
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

/** The answer a report got under its Idempotency-Key, if it was ever answered. */
export async function findAnswer(db: Pool | PoolClient, upstreamSystemId: string, idempotencyKey: string): Promise<AlertAnswer | undefined> {
  const { rows } = await db.query<{ answer: AlertAnswer }>(
    'SELECT answer FROM alert.idempotency_keys WHERE upstream_system_id = $1 AND idempotency_key = $2',
    [upstreamSystemId, idempotencyKey],
  );
  return rows[0]?.answer;
}

/** Where a page of alerts ends: newest opening first, the alert id breaking ties. */
export const AlertCursor = z.tuple([z.iso.datetime(), z.string().min(1)]);

export async function listAlerts(
  pool: Pool,
  filter: {
    status?: 'open' | 'closed';
    regionCode?: string;
    upstreamSystemId?: string;
    before?: z.infer<typeof AlertCursor> | undefined;
    limit: number;
  },
): Promise<AlertRow[]> {
  const { rows } = await pool.query<AlertRow>(
    `SELECT * FROM alert.alerts
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR region_code = $2)
        AND ($3::text IS NULL OR upstream_system_id = $3)
        AND ($4::timestamptz IS NULL OR (opened_at, alert_id) < ($4::timestamptz, $5::text))
      ORDER BY opened_at DESC, alert_id DESC LIMIT $6`,
    [
      filter.status ?? null,
      filter.regionCode ?? null,
      filter.upstreamSystemId ?? null,
      filter.before?.[0] ?? null,
      filter.before?.[1] ?? null,
      filter.limit,
    ],
  );
  return rows;
}

/** The alerts a public feed shows, drills or real ones: every open one, and those closed since `closedSince`, newest first. */
export async function feedAlertIds(db: Pool | PoolClient, closedSince: Date, limit: number, exercise: boolean): Promise<string[]> {
  const { rows } = await db.query<{ alert_id: string }>(
    `SELECT alert_id FROM alert.alerts WHERE (status = 'open' OR closed_at >= $1) AND exercise = $3 ORDER BY opened_at DESC, alert_id LIMIT $2`,
    [closedSince, limit, exercise],
  );
  return rows.map((r) => r.alert_id);
}
