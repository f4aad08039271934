import type { Migration } from '@rapid-search/events';
import { alertsAndKeys } from './migrations/100-alerts-and-keys.js';
import { intakeWriters } from './migrations/101-intake-writers.js';
import { intakeLookup } from './migrations/102-intake-lookup.js';
import { drills } from './migrations/103-drills.js';
import { sightings } from './migrations/104-sightings.js';
import { caseKeys } from './migrations/105-case-keys.js';

/** The alert schema beside the event store: each alert's row (db/alert-state.ts) the answers by Idempotency-Key, and whether each alert is a drill. Append-only. */
export const alertMigrations: Migration[] = [alertsAndKeys, intakeWriters, intakeLookup, drills, sightings, caseKeys];
