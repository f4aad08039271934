import { hash } from 'node:crypto';
import {
  deriveId,
  IsoTime,
  Latitude,
  Longitude,
  NotFound,
  RegionCode,
  RuleViolation,
  ValidationError,
  type DomainEventOf,
} from '@rapid-search/events';
import { z } from 'zod';
import { PHONE } from './report.js';

/** The body of `POST /v1/public/alerts/:alertId/tips`: what a member of the public saw, where and when. */
export const TipBody = z.strictObject({
  seenAt: IsoTime,
  lat: Latitude,
  lon: Longitude,
  regionCode: RegionCode.optional(),
  address: z.string().trim().min(1).max(1000).optional(),
  description: z.string().trim().min(1).max(2000),
  /** Shown to officers on their consoles: https only, never `javascript:`, `file:` or plain http. */
  photoUrl: z
    .url({ protocol: /^https$/, hostname: z.regexes.domain })
    .max(2000)
    .optional(),
  contact: z
    .strictObject({
      phone: z.string().trim().regex(PHONE, 'a plausible phone number: mainland mobile 1[3-9]xxxxxxxxx or landline with area code, optional +86'),
      /** May the police call the tipster back. */
      mayCall: z.boolean(),
    })
    .optional(),
});
export type TipBody = z.infer<typeof TipBody>;

export type TipVia = { channel: 'public' } | { channel: 'upstream'; upstreamSystemId: string };

/** What the tip is about, as the alert's read side knows it; undefined when no such alert exists. */
export interface TippedAlert {
  alertId: string;
  caseId: string;
  status: 'open' | 'closed';
  /** 演练: a drill's alert, which the public never sees. */
  exercise: boolean;
}

export interface ReceiveTip {
  tipId: string;
  alertId: string;
  body: TipBody;
  via: TipVia;
  now: Date;
}

/** A sighting reported from the future is a clock or a typing error; a little skew between phones is allowed. */
const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * The tip's stream id, named by the sender and the words: one address (or relay) sending the same
 * words about one alert again has told nothing new, whether it is an app retrying or a person
 * pressing send twice, under one Idempotency-Key or under fresh ones.
 */
export function tipIdOf(alertId: string, sender: string, description: string): string {
  return deriveId('tip', alertId, sender, `text:${hash('sha256', description.replace(/\s+/g, ' ').toLowerCase(), 'hex')}`);
}

export const tipStream = (tipId: string): string => `tip-${tipId}`;

/** 线索: a tip is taken for an open alert only; it names the case so the case file keeps it. */
export function decideTip(command: ReceiveTip, alert: TippedAlert | undefined): DomainEventOf<'TipReceived'>[] {
  // A drill is not published, so to the public it does not exist; its participants tip with credentials.
  if (!alert || (alert.exercise && command.via.channel === 'public')) throw new NotFound('alert', command.alertId);
  if (alert.status === 'closed') throw new RuleViolation('ALERT_CLOSED', `alert ${alert.alertId} is closed; the child's search has ended`);
  const { body, now } = command;
  if (Date.parse(body.seenAt) > now.getTime() + FUTURE_SKEW_MS) {
    throw new ValidationError([{ path: 'body.seenAt', message: 'must not be in the future' }]);
  }
  return [
    {
      type: 'TipReceived',
      data: {
        tipId: command.tipId,
        alertId: alert.alertId,
        caseId: alert.caseId,
        seenAt: new Date(body.seenAt).toISOString(),
        place: {
          lat: body.lat,
          lon: body.lon,
          ...(body.regionCode ? { regionCode: body.regionCode } : {}),
          ...(body.address ? { address: body.address } : {}),
        },
        description: body.description,
        ...(body.photoUrl ? { photoUrl: body.photoUrl } : {}),
        ...(body.contact ? { contact: body.contact } : {}),
        via: command.via,
        receivedAt: now.toISOString(),
      },
    },
  ];
}
