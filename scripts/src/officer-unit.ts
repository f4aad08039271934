import { readSeed } from '@rapid-search/events';
import { z } from 'zod';

const Officers = z.array(z.object({ id: z.string(), commandCenterId: z.string() }).passthrough());
const Centers = z.array(z.object({ id: z.string(), regionCode: z.string() }).passthrough());

/**
 * The unit an officer of the demo world serves in, and the region it has jurisdiction over: what
 * the officer's token carries, so a service can tell which cases the officer may act on.
 */
export function officerUnit(officerId: string): { id: string; regionCode: string } {
  const officer = readSeed('officers.json', Officers).find((o) => o.id === officerId);
  if (!officer) throw new Error(`no officer ${officerId} in seeds/officers.json`);
  const center = readSeed('command-centers.json', Centers).find((c) => c.id === officer.commandCenterId);
  if (!center) throw new Error(`officer ${officerId} serves in ${officer.commandCenterId}, which seeds/command-centers.json lacks`);
  return { id: center.id, regionCode: center.regionCode };
}
