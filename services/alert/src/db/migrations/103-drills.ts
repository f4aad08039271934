import type { Migration } from '@rapid-search/events';

/**
 * 演练: whether an alert is a drill, fixed when it opens. The alert's later events (widenings, the
 * close, its tips) are marked as the drill's in their envelopes from this column, since the
 * domain events themselves do not carry the mark.
 */
export const drills: Migration = {
  version: 103,
  name: 'alerts know whether they are drills',
  sql: (s) => `
      ALTER TABLE ${s}.alerts ADD COLUMN exercise boolean NOT NULL DEFAULT false;
    `,
};
