import { distanceKm } from '@rapid-search/events';

export interface CommandCenter {
  id: string;
  name: string;
  nameZh?: string | undefined;
  regionCode: string;
  level: 'national' | 'province' | 'city' | 'county';
  parentId: string | null;
  lat: number;
  lon: number;
  jurisdiction: string[];
}

export type HubKind = 'railway' | 'bus' | 'airport' | 'toll-gate' | 'port';

export interface TransportHub {
  id: string;
  name: string;
  nameZh?: string | undefined;
  kind: HubKind;
  lat: number;
  lon: number;
  regionCode: string;
  commandCenterId: string;
}

export interface HubInReach {
  hub: TransportHub;
  distanceKm: number;
}

const NATIONAL_CODE = '100000';
const LEVELS: readonly CommandCenter['level'][] = ['county', 'city', 'province', 'national'];

/**
 * The seeded world: command centers by jurisdiction and the transport hubs they answer for. Pure
 * lookups, so the assignment rules built on it stay testable without I/O.
 */
export class Directory {
  readonly #centers = new Map<string, CommandCenter>();
  readonly #byRegion = new Map<string, CommandCenter>();
  readonly #hubs: readonly TransportHub[];

  constructor(centers: readonly CommandCenter[], hubs: readonly TransportHub[]) {
    for (const center of centers) {
      this.#centers.set(center.id, center);
      for (const code of center.jurisdiction) this.#byRegion.set(code, center);
      if (!this.#byRegion.has(center.regionCode)) this.#byRegion.set(center.regionCode, center);
    }
    this.#hubs = hubs;
    if (!this.#byRegion.has(NATIONAL_CODE)) throw new Error(`no command center has jurisdiction over ${NATIONAL_CODE}`);
  }

  centers(): CommandCenter[] {
    return [...this.#centers.values()];
  }

  center(id: string): CommandCenter | undefined {
    return this.#centers.get(id);
  }

  /** The most specific center for a region code: the code, then its prefecture, province, nation. */
  centerForRegion(regionCode: string): CommandCenter {
    const candidates = [regionCode, `${regionCode.slice(0, 4)}00`, `${regionCode.slice(0, 2)}0000`, NATIONAL_CODE];
    for (const code of candidates) {
      const center = this.#byRegion.get(code);
      if (center) return center;
    }
    return this.#byRegion.get(NATIONAL_CODE)!;
  }

  /**
   * For a place with no region code: the nearest center of the lowest level there is, the one
   * closest to the ground; the id breaks ties so the choice never depends on load order.
   */
  nearestLocalCenter(point: { lat: number; lon: number }): CommandCenter {
    const all = this.centers();
    const level = LEVELS.find((l) => all.some((c) => c.level === l))!;
    return all
      .filter((c) => c.level === level)
      .map((center) => ({ center, km: distanceKm(point, center) }))
      .sort((a, b) => a.km - b.km || a.center.id.localeCompare(b.center.id))[0]!.center;
  }

  /** The center one level up; null at the top of the chain. */
  parentOf(centerId: string): CommandCenter | null {
    const parentId = this.#centers.get(centerId)?.parentId;
    return parentId ? (this.#centers.get(parentId) ?? null) : null;
  }

  /** The hubs a center answers for: its own and those of every center below it. */
  hubsOf(centerId: string): TransportHub[] {
    const under = (id: string): boolean => id === centerId || (this.parentOf(id) !== null && under(this.parentOf(id)!.id));
    return this.#hubs.filter((hub) => under(hub.commandCenterId));
  }

  /** Hubs within `radiusKm` of a point, nearest first. */
  hubsWithin(point: { lat: number; lon: number }, radiusKm: number): HubInReach[] {
    return this.#hubs
      .map((hub) => ({ hub, distanceKm: distanceKm(point, hub) }))
      .filter((h) => h.distanceKm <= radiusKm)
      .sort((a, b) => a.distanceKm - b.distanceKm || a.hub.id.localeCompare(b.hub.id));
  }
}
