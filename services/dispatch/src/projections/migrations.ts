import type { Migration } from '@rapid-search/events';

/**
 * Read models kept by the tasks' projection subscription: tasks (with the deadlines the escalator
 * watches, so they survive restarts), which centers see each task, and a per-center feed of
 * positions that makes a console's resume one indexed range scan; and the task each DNA profile
 * was entered for, by its blind index.
 */
export const projectionMigrations: Migration[] = [
  {
    version: 100,
    name: 'tasks, task visibility and console feed',
    sql: (s) => `
      CREATE TABLE ${s}.tasks (
        task_id text PRIMARY KEY,
        case_id text NOT NULL,
        kind text NOT NULL,
        command_center_id text NOT NULL,
        status text NOT NULL,
        deadline_at timestamptz,
        assigned_at timestamptz NOT NULL,
        details jsonb NOT NULL,
        position bigint NOT NULL
      );
      CREATE INDEX tasks_due ON ${s}.tasks (deadline_at) WHERE status = 'assigned' AND deadline_at IS NOT NULL;
      CREATE TABLE ${s}.task_centers (
        command_center_id text NOT NULL,
        task_id text NOT NULL,
        PRIMARY KEY (command_center_id, task_id)
      );
      CREATE INDEX task_centers_task ON ${s}.task_centers (task_id);
      CREATE TABLE ${s}.console_feed (
        command_center_id text NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (command_center_id, position)
      );
    `,
  },
  {
    version: 110,
    name: 'drill mark on tasks',
    sql: (s) => `ALTER TABLE ${s}.tasks ADD COLUMN exercise boolean NOT NULL DEFAULT false;`,
  },
  {
    version: 111,
    name: 'public releases of alerts, as consoles show them',
    sql: (s) => `
      CREATE TABLE ${s}.releases (
        case_id text PRIMARY KEY,
        alert_id text,
        child jsonb,
        last_seen jsonb,
        radius_km double precision,
        closed jsonb,
        exercise boolean NOT NULL DEFAULT false
      );
      CREATE INDEX tasks_case ON ${s}.tasks (case_id);
    `,
  },
  {
    version: 120,
    name: 'DNA profiles by their reference',
    // A child's match names the parents' profile: the few profile entries are found by it at once,
    // with no projection reading every event to keep a table of them.
    sql: (s) => `
      CREATE INDEX events_profile_ref ON ${s}.events ((data->>'profileRef')) WHERE type = 'DnaProfileEntered';
    `,
  },
  {
    version: 130,
    name: 'DNA profiles by their blind index',
    // Stored references are sealed, each under its case's key: the lab's clear reference finds its
    // profile by a keyed hash of it (projections/profile-index.ts), never by the text in the store.
    sql: (s) => `
      DROP INDEX ${s}.events_profile_ref;
      CREATE TABLE ${s}.dna_profile_index (
        profile_index text NOT NULL,
        case_id text NOT NULL,
        task_id text NOT NULL,
        PRIMARY KEY (profile_index, task_id)
      );
    `,
  },
];
