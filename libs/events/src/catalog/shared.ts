import { z } from 'zod';

/** An id, or a reference to a record kept elsewhere: never empty. */
export const Id = z.string().min(1);
export const IsoTime = z.iso.datetime({ offset: true });
export const RegionCode = z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 region code');
export const Latitude = z.number().min(-90).max(90);
export const Longitude = z.number().min(-180).max(180);
export const Point = z.object({ lat: Latitude, lon: Longitude, regionCode: RegionCode });
export type Point = z.infer<typeof Point>;
export const OfficerRef = z.object({
  officerId: Id,
  name: z.string().min(1),
  title: z.string().min(1),
  unitLevel: z.enum(['station', 'county', 'city', 'province', 'national']),
});
export type OfficerRef = z.infer<typeof OfficerRef>;
