import type { DomainEvent } from '@rapid-search/events';
import { alertDecider, decideReport, evolve, emptyAlert, type AlertCommand } from '../alert.js';
import { KUNMING_110, sampleReport } from '../fixtures.test-helper.js';
import type { AlertHistoryEvent, CapProfile } from './message.js';
import type { AlertReport } from '../report.js';

export const PROFILE: CapProfile = {
  sender: 'rapid-search.kunming.gov.cn',
  senderName: '昆明市公安局指挥中心 Kunming Public Security Command Centre',
  contact: '0871-110',
};

export const opened = new Date('2026-11-22T12:00:00.250Z');
const later = (minutes: number) => new Date(opened.getTime() + minutes * 60_000);

/**
 * An alert's history as the decider writes it: reported 30 minutes after last seen, then each
 * command in turn, `minutes` after the report; every event stamped with the time it was decided.
 */
export function history(
  steps: { at: number; command: AlertCommand['kind']; reason?: string }[],
  overrides: Partial<AlertReport> = {},
  exercise = false,
): AlertHistoryEvent[] {
  const decider = alertDecider('a1');
  const stamp = (events: DomainEvent[], at: Date) => events.map((e) => ({ ...e, occurredAt: at.toISOString(), ...(exercise ? { exercise } : {}) }));
  const out: AlertHistoryEvent[] = stamp(
    decideReport({ alertId: 'a1', caseId: 'c1', report: sampleReport(opened, 30, overrides), reporter: KUNMING_110, now: opened }),
    opened,
  );
  for (const step of steps) {
    const state = out.reduce(evolve, emptyAlert('a1'));
    const now = later(step.at);
    const command: AlertCommand = step.command === 'Widen' ? { kind: 'Widen', now } : { kind: 'Close', reason: step.reason ?? 'ChildRescued', now };
    out.push(...stamp(decider.decide(command, state), now));
  }
  return out;
}
