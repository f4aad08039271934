import { z } from 'zod';
import { defineEvent } from './define.js';
import { Id, IsoTime, Latitude, Longitude, Point, RegionCode } from './shared.js';

export const UpstreamSource = z.enum(['110', 'tuanyuan', 'hospital', 'school', 'public-tip']);

export const ChildDescription = z.object({
  name: z.string().min(1),
  sex: z.enum(['female', 'male', 'unknown']),
  ageYears: z.number().min(0).optional(),
  dateOfBirth: z.iso.date().optional(),
  description: z.string().optional(),
  photoUrl: z.url().optional(),
});

export const LastSeen = z.object({
  at: IsoTime,
  lat: Latitude,
  lon: Longitude,
  regionCode: RegionCode,
  address: z.string().optional(),
});

/** 儿童失踪报告 — an upstream system (110, 团圆, hospital, school, public tip) reports a missing child. */
export const MissingChildReported = defineEvent({
  type: 'MissingChildReported',
  version: 1,
  personal: ['child.name', 'reporter.name', 'reporter.phone'],
  schema: z.object({
    alertId: Id,
    caseId: Id,
    source: UpstreamSource,
    upstreamSystemId: Id,
    reportedAt: IsoTime,
    child: ChildDescription,
    lastSeen: LastSeen,
    reporter: z.object({ name: z.string(), phone: z.string(), relation: z.string() }),
  }),
});

/** 立案 — every missing minor opens a case, searched under the homicide-case mechanism (命案机制). */
export const CaseOpened = defineEvent({
  type: 'CaseOpened',
  version: 1,
  schema: z.object({
    caseId: Id,
    alertId: Id,
    regionCode: RegionCode,
    mechanism: z.literal('homicide-case'),
    openedAt: IsoTime,
  }),
});

/** 快速查找 — the command center must at once intercept (堵截) and search (查找). */
export const QuickSearchActivated = defineEvent({
  type: 'QuickSearchActivated',
  version: 1,
  schema: z.object({
    caseId: Id,
    alertId: Id,
    lastSeen: Point.extend({ at: IsoTime }),
    radiusKm: z.number().positive(),
    activatedAt: IsoTime,
  }),
});

/** 信息发布 — the public release (as on the 团圆 platform) widens with time since last seen. */
export const PublicReleaseRadiusWidened = defineEvent({
  type: 'PublicReleaseRadiusWidened',
  version: 1,
  schema: z.object({
    caseId: Id,
    alertId: Id,
    center: Point,
    fromKm: z.number().positive(),
    toKm: z.number().positive(),
    dueAt: IsoTime,
  }),
});

/** A second report of a child who already has an open alert, linked to that case. */
export const DuplicateReportLinked = defineEvent({
  type: 'DuplicateReportLinked',
  version: 1,
  schema: z.object({
    caseId: Id,
    alertId: Id,
    source: UpstreamSource,
    upstreamSystemId: Id,
    reportedAt: IsoTime,
    linkedAt: IsoTime,
  }),
});

/** The alert stands down (child found): the public release stops widening. */
export const AlertClosed = defineEvent({
  type: 'AlertClosed',
  version: 1,
  schema: z.object({
    caseId: Id,
    alertId: Id,
    reason: z.string(),
    closedAt: IsoTime,
  }),
});

/**
 * 线索 — a member of the public (or an upstream system on their behalf) says they saw the child.
 * One stream per tip; `contact.phone` is the tipster's personal data, masked and never logged.
 */
export const TipReceived = defineEvent({
  type: 'TipReceived',
  version: 1,
  personal: ['contact.phone'],
  schema: z.object({
    tipId: Id,
    alertId: Id,
    caseId: Id,
    seenAt: IsoTime,
    place: z.object({ lat: Latitude, lon: Longitude, regionCode: RegionCode.optional(), address: z.string().optional() }),
    description: z.string().min(1),
    photoUrl: z.url().optional(),
    contact: z.object({ phone: z.string(), mayCall: z.boolean() }).optional(),
    /** Who carried the tip in: the public route itself, or the upstream system that relayed it. */
    via: z.union([z.object({ channel: z.literal('public') }), z.object({ channel: z.literal('upstream'), upstreamSystemId: Id })]),
    receivedAt: IsoTime,
  }),
});

/**
 * 线索核实 — a lead-verification task confirmed a tip as a sighting of the child: the alert's
 * last-seen place and time move to the tip's, the release re-centres there at the radius it had,
 * and the widening schedule counts from the new time.
 */
export const SightingConfirmed = defineEvent({
  type: 'SightingConfirmed',
  version: 1,
  schema: z.object({
    caseId: Id,
    alertId: Id,
    tipId: Id,
    taskId: Id,
    lastSeen: LastSeen,
    previousLastSeen: Point.extend({ at: IsoTime }),
    radiusKm: z.number().positive(),
    confirmedAt: IsoTime,
  }),
});

export const alertEvents = [
  MissingChildReported,
  CaseOpened,
  QuickSearchActivated,
  PublicReleaseRadiusWidened,
  DuplicateReportLinked,
  AlertClosed,
  TipReceived,
  SightingConfirmed,
] as const;
