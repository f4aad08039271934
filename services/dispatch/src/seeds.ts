import { readSeed } from '@rapid-search/events';
import { z } from 'zod';
import { Directory } from './domain/directory.js';

const Code = z.string().regex(/^\d{6}$/);

const CommandCenters = z.array(
  z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    nameZh: z.string().optional(),
    regionCode: Code,
    level: z.enum(['national', 'province', 'city', 'county']),
    parentId: z.string().nullable(),
    lat: z.number(),
    lon: z.number(),
    jurisdiction: z.array(Code),
  }),
);

const TransportHubs = z.array(
  z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    nameZh: z.string().optional(),
    kind: z.enum(['railway', 'bus', 'airport', 'toll-gate', 'port']),
    lat: z.number(),
    lon: z.number(),
    regionCode: Code,
    commandCenterId: z.string().min(1),
  }),
);

export function loadDirectory(): Directory {
  return new Directory(readSeed('command-centers.json', CommandCenters), readSeed('transport-hubs.json', TransportHubs));
}
