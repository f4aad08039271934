import { signToken, type Principal, type SigningKey } from '@rapid-search/events';
import type { z } from 'zod';
import { officerUnit } from './officer-unit.js';

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** A JSON call to one of the services, with a bearer token and optional extra headers. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // NDJSON and other non-JSON answers stay text.
  }
  return { status: response.status, body: parsed as T };
}

/** Tokens for each role the scenario plays, signed with the running system's key. */
export async function tokensFor(key: SigningKey, ids: { consoleCenter: string; officer: string; upstreamSystem: string }) {
  const sign = (p: z.input<typeof Principal>) => signToken(p, key, 3600);
  return {
    upstream: await sign({ sub: ids.upstreamSystem, role: 'upstream', upstreamSystemId: ids.upstreamSystem }),
    console: await sign({ sub: ids.consoleCenter, role: 'console', commandCenterId: ids.consoleCenter }),
    officer: await sign({ sub: ids.officer, role: 'officer', officerId: ids.officer, unit: officerUnit(ids.officer) }),
    /** The same officer holding the grant to erase a closed case's personal data. */
    dataProtection: await sign({
      sub: ids.officer,
      role: 'officer',
      officerId: ids.officer,
      unit: officerUnit(ids.officer),
      grants: ['data-protection'],
    }),
    lab: await sign({ sub: 'lab-kunming-psb-forensic-dna', role: 'lab' }),
    civilAffairs: await sign({ sub: 'ca-kunming-childrens-welfare-institute', role: 'civil-affairs' }),
    auditor: await sign({ sub: 'auditor-joint-meeting-office', role: 'auditor' }),
  };
}

/** A console frame as a scenario reads it: an event's type and data, where the frame carries one. */
interface EventFrame {
  event?: { type: string; data: Record<string, unknown> };
}

/** One interception task shown on a console: its entry in a step's `InterceptionTasksAssigned`, with the step's case. */
export interface ShownInterception {
  taskId: string;
  caseId: string;
  commandCenterId: string;
  hub: { id: string; name: string };
  distanceKm: number;
}

/** The interception tasks a console has been shown, each hub's entry of the steps it received. */
export function interceptionsShown(frames: readonly EventFrame[], caseId?: string): ShownInterception[] {
  return frames.flatMap((frame) => {
    const { type, data } = frame.event ?? {};
    if (type !== 'InterceptionTasksAssigned' || !data || (caseId !== undefined && data.caseId !== caseId)) return [];
    return (data.tasks as Omit<ShownInterception, 'caseId'>[]).map((task) => ({ ...task, caseId: String(data.caseId) }));
  });
}
