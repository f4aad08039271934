import { readSeed } from '@rapid-search/events';
import { z } from 'zod';

const DemoCase = z.object({
  title: z.string(),
  alert: z.object({ upstreamSystemId: z.string(), idempotencyKey: z.string(), body: z.record(z.string(), z.unknown()) }),
  group: z.object({ commandCenterId: z.string(), chiefOfficerId: z.string(), body: z.record(z.string(), z.unknown()) }),
  dna: z.object({ labId: z.string() }),
  rescue: z.object({
    foundAt: z.object({ lat: z.number(), lon: z.number(), regionCode: z.string(), address: z.string() }),
    household: z.object({ id: z.string(), headOfHousehold: z.string(), address: z.string() }),
  }),
  handover: z.object({ institutionId: z.string(), materials: z.array(z.string()) }),
});

const Institution = z.object({ id: z.string(), name: z.string(), kind: z.enum(['rescue-protection', 'children-welfare']) });

/**
 * The scripted case from seeds/demo-case.json, moved to the present: the child was last seen 40
 * minutes ago and reported now, so the quick search starts in its first-hour (100 km) ring.
 */
export function loadDemoCase(now = Date.now()) {
  const demo = readSeed('demo-case.json', DemoCase);
  const institution = readSeed('civil-affairs-institutions.json', z.array(Institution.passthrough())).find(
    (i) => i.id === demo.handover.institutionId,
  );
  if (!institution) throw new Error(`demo institution ${demo.handover.institutionId} is not seeded`);
  const body = demo.alert.body as { lastSeen: Record<string, unknown> } & Record<string, unknown>;
  return {
    ...demo,
    institution: { id: institution.id, name: institution.name, kind: institution.kind },
    alertBody: {
      ...body,
      reportedAt: new Date(now).toISOString(),
      lastSeen: { ...body.lastSeen, at: new Date(now - 40 * 60_000).toISOString() },
    },
  };
}
export type DemoCase = ReturnType<typeof loadDemoCase>;
