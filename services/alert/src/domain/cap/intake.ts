import { Forbidden, RuleViolation, ValidationError, type FieldIssue } from '@rapid-search/events';
import type { z } from 'zod';
import type { IntakeBody } from '../report.js';
import { childrenOf, textOf, type CapNode } from './read.js';

/** A CAP message from an upstream system, as intake takes it: who sent it, under which identifier, and the body it stands for. */
export interface CapIntake {
  sender: string;
  identifier: string;
  body: z.input<typeof IntakeBody>;
}

/** The `valueName` of each `info/parameter` a report reads. */
type Parameter =
  | 'source'
  | 'childName'
  | 'childSex'
  | 'childAgeYears'
  | 'childDateOfBirth'
  | 'childDescription'
  | 'reporterName'
  | 'reporterPhone'
  | 'reporterRelation';

/** `lat,lon radius`, as CAP writes a circle. */
const CIRCLE = /^(-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)$/;
const NUMBER = /^\d+(?:\.\d+)?$/;
const REGION_VALUE_NAME = 'GB/T 2260';

const missing = (path: string): FieldIssue => ({ path, message: 'is required' });

/** The first child element of each `(name, valueName)` pair, by valueName: `parameter`, `geocode`. */
function pairs(node: CapNode, name: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const pair of childrenOf(node, name)) {
    const valueName = textOf(pair, 'valueName');
    const value = textOf(pair, 'value');
    if (valueName !== undefined && value !== undefined && !found.has(valueName)) found.set(valueName, value);
  }
  return found;
}

/**
 * The intake profile of CAP 1.2 (the alert README lists it): an `Alert` is a report, mapped field
 * by field into the JSON report, which is then validated as any JSON report is; a `Cancel` is the
 * withdrawal of the report its first `references` names. Only the first `info` is read; others
 * (other languages) are ignored. What the profile needs and the document lacks is a 400 naming
 * the CAP element or `valueName`; a message type intake does not take is a 422.
 */
export function capIntake(alert: CapNode): CapIntake {
  const header = { identifier: textOf(alert, 'identifier'), sender: textOf(alert, 'sender'), sent: textOf(alert, 'sent') };
  const status = textOf(alert, 'status');
  const msgType = textOf(alert, 'msgType');
  const issues = [
    ...Object.entries(header)
      .filter(([, value]) => value === undefined)
      .map(([name]) => missing(name)),
    ...(status === undefined ? [missing('status')] : []),
    ...(msgType === undefined ? [missing('msgType')] : []),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  const { identifier, sender, sent } = header as Record<keyof typeof header, string>;
  if (status !== 'Actual' && status !== 'Exercise') {
    throw new ValidationError([{ path: 'status', message: `must be Actual or Exercise (a drill), not ${status}` }]);
  }
  switch (msgType) {
    case 'Alert':
      return { sender, identifier, body: reportOf(alert, sent, status === 'Exercise') };
    case 'Cancel':
      return { sender, identifier, body: withdrawalOf(alert, sender) };
    case 'Update':
    case 'Ack':
    case 'Error':
      throw new RuleViolation(
        'CAP_MSG_TYPE_NOT_TAKEN',
        `msgType ${msgType} is not taken: send an Alert to report a missing child, a Cancel to withdraw a false report`,
        { status: 422 },
      );
    default:
      throw new ValidationError([{ path: 'msgType', message: 'must be a CAP 1.2 msgType: Alert or Cancel here' }]);
  }
}

function reportOf(alert: CapNode, sent: string, exercise: boolean): z.input<typeof IntakeBody> {
  const info = childrenOf(alert, 'info')[0];
  if (!info) throw new ValidationError([missing('info')]);
  const area = childrenOf(info, 'area')[0];
  const onset = textOf(info, 'onset');
  const circle = area ? textOf(area, 'circle') : undefined;
  const regionCode = area ? pairs(area, 'geocode').get(REGION_VALUE_NAME) : undefined;
  const parameters = pairs(info, 'parameter');
  const parameter = (name: Parameter) => parameters.get(name);
  const issues: FieldIssue[] = [
    ...(onset === undefined ? [missing('info/onset')] : []),
    ...(area === undefined ? [missing('info/area')] : []),
    ...(area && circle === undefined ? [missing('info/area/circle')] : []),
    ...(circle !== undefined && !CIRCLE.test(circle) ? [{ path: 'info/area/circle', message: 'must be "lat,lon radius"' }] : []),
    ...(area && regionCode === undefined ? [missing(`info/area/geocode[${REGION_VALUE_NAME}]`)] : []),
    ...(['source', 'childName', 'childSex', 'reporterName', 'reporterPhone', 'reporterRelation'] as const)
      .filter((name) => parameter(name) === undefined)
      .map((name) => missing(`info/parameter[${name}]`)),
    ...(parameter('childAgeYears') === undefined && parameter('childDateOfBirth') === undefined
      ? [{ path: 'info/parameter[childAgeYears]', message: 'childAgeYears or childDateOfBirth is required' }]
      : []),
    ...(parameter('childAgeYears') !== undefined && !NUMBER.test(parameter('childAgeYears')!)
      ? [{ path: 'info/parameter[childAgeYears]', message: 'must be a number of years' }]
      : []),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  const [, lat, lon] = CIRCLE.exec(circle!)!;
  const address = area ? textOf(area, 'areaDesc') : undefined;
  const photo = childrenOf(info, 'resource').find((r) => textOf(r, 'mimeType')?.startsWith('image/') && textOf(r, 'uri') !== undefined);
  const age = parameter('childAgeYears');
  const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    source: parameter('source') as never,
    reportedAt: sent,
    child: {
      name: parameter('childName')!,
      sex: parameter('childSex') as never,
      ...optional('ageYears', age === undefined ? undefined : Number(age)),
      ...optional('dateOfBirth', parameter('childDateOfBirth')),
      ...optional('description', parameter('childDescription')),
      ...optional('photoUrl', photo ? textOf(photo, 'uri') : undefined),
    },
    lastSeen: { at: onset!, lat: Number(lat), lon: Number(lon), regionCode: regionCode!, ...optional('address', address) },
    reporter: { name: parameter('reporterName')!, phone: parameter('reporterPhone')!, relation: parameter('reporterRelation')! },
    ...(exercise ? { exercise: true } : {}),
  };
}

/** `sender,identifier,sent`, space-separated: the first names the report withdrawn, and every one must be this sender's. */
function withdrawalOf(alert: CapNode, sender: string): z.input<typeof IntakeBody> {
  const references = textOf(alert, 'references')?.split(/\s+/) ?? [];
  if (references.length === 0) throw new ValidationError([missing('references')]);
  const named = references.map((r) => r.split(','));
  if (named.some((parts) => parts.length !== 3 || parts.some((p) => p === ''))) {
    throw new ValidationError([{ path: 'references', message: 'each reference is sender,identifier,sent' }]);
  }
  if (named.some(([referenceSender]) => referenceSender !== sender)) {
    throw new Forbidden(`a Cancel withdraws only what its own sender sent: every reference must name sender ${sender}`);
  }
  const [, identifier, sent] = named[0]!;
  return { kind: 'withdrawal', withdraws: { idempotencyKey: identifier!, reportedAt: sent! } };
}
