import type { DomainEvent, DomainEventOf } from '@rapid-search/events';
import { capTime, hoursAfter } from './time.js';
import { cancelTexts, releaseTexts, type InfoTexts } from './texts.js';

/** The deploying organ as CAP names it; configured, never taken from a report. */
export interface CapProfile {
  /** CAP `sender`: the organ's identifier, e.g. its domain. */
  sender: string;
  senderName: string;
  /** The command centre's public line: the only contact a message ever carries. */
  contact: string;
}

/** One alert event as stored: what it is, when it happened, and whether a drill caused it. */
export type AlertHistoryEvent = DomainEvent & { occurredAt: string; exercise?: boolean };

export interface CapArea {
  areaDesc: string;
  lat: number;
  lon: number;
  radiusKm: number;
  regionCode: string;
}

export interface CapInfo extends InfoTexts {
  language: 'zh-CN' | 'en-US';
  expires: string;
  radiusKm: number;
  photoUrl?: string;
  area: CapArea;
}

export interface CapMessage {
  identifier: string;
  sender: string;
  sent: string;
  status: 'Actual' | 'Exercise';
  msgType: 'Alert' | 'Update' | 'Cancel';
  note?: string;
  references?: string;
  incidents: string;
  info: CapInfo[];
}

/** How long a message stands unless a later one replaces it; the feed keeps a Cancel as long. */
const VALID_HOURS = 24;

type Reported = DomainEventOf<'MissingChildReported'>['data'];

/**
 * Every CAP message the alert's public release (信息发布) has issued, oldest first: `Alert` at the
 * quick search, `Update` at each widening and at a confirmed sighting (its new circle), `Cancel` at the close. A pure function of the events, so
 * a message rebuilt from the same events is byte-identical to the one first issued; a new cause of
 * an `Update` is one more case below.
 */
export function capMessages(events: readonly AlertHistoryEvent[], profile: CapProfile): CapMessage[] {
  const reported = events.find((e) => e.type === 'MissingChildReported');
  if (!reported) return [];
  let report = reported.data;
  const status = reported.exercise === true ? 'Exercise' : 'Actual';
  const messages: CapMessage[] = [];
  let radiusKm = 0;
  const issue = (event: AlertHistoryEvent, msgType: CapMessage['msgType'], texts: (lang: CapInfo['language']) => InfoTexts) => {
    const sent = capTime(event.occurredAt);
    const previous = messages.at(-1);
    messages.push({
      identifier: `RS-${report.alertId}-${messages.length + 1}`,
      sender: profile.sender,
      sent,
      status,
      msgType,
      ...(status === 'Exercise' ? { note: '演练，非真实案件 / Drill: not a real case' } : {}),
      ...(previous ? { references: `${previous.sender},${previous.identifier},${previous.sent}` } : {}),
      incidents: report.caseId,
      info: (['zh-CN', 'en-US'] as const).map((language) => info(language, texts(language), report, radiusKm, hoursAfter(sent, VALID_HOURS))),
    });
  };
  for (const event of events) {
    switch (event.type) {
      case 'QuickSearchActivated':
        radiusKm = event.data.radiusKm;
        issue(event, 'Alert', (lang) => releaseTexts(lang, report, profile));
        break;
      case 'PublicReleaseRadiusWidened':
        radiusKm = event.data.toKm;
        issue(event, 'Update', (lang) => releaseTexts(lang, report, profile));
        break;
      case 'SightingConfirmed':
        report = { ...report, lastSeen: event.data.lastSeen };
        radiusKm = event.data.radiusKm;
        issue(event, 'Update', (lang) => releaseTexts(lang, report, profile));
        break;
      case 'AlertClosed':
        if (messages.length > 0) issue(event, 'Cancel', (lang) => cancelTexts(lang, report, event.data.reason, profile));
        break;
      default:
        break;
    }
  }
  return messages;
}

function info(language: CapInfo['language'], texts: InfoTexts, report: Reported, radiusKm: number, expires: string): CapInfo {
  const { lat, lon, regionCode, address } = report.lastSeen;
  return {
    language,
    ...texts,
    expires,
    radiusKm,
    ...(report.child.photoUrl ? { photoUrl: report.child.photoUrl } : {}),
    area: { areaDesc: address ?? (language === 'zh-CN' ? `行政区划 ${regionCode}` : `Region ${regionCode}`), lat, lon, radiusKm, regionCode },
  };
}
