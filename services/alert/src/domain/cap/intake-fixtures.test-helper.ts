import { CAP_NAMESPACE } from './xml.js';

const pair = (name: string, valueName: string, value: string) => `<${name}><valueName>${valueName}</valueName><value>${value}</value></${name}>`;

export const REPORT_PARAMETERS: Record<string, string> = {
  source: '110',
  childName: '张小雨',
  childSex: 'female',
  childAgeYears: '4',
  childDescription: '红色外套',
  reporterName: '刘芳',
  reporterPhone: '13812345678',
  reporterRelation: 'mother',
};

export interface CapInFixture {
  identifier?: string;
  sender?: string;
  sent?: string;
  status?: string;
  msgType?: string;
  references?: string;
  namespace?: string;
  /** Replaces the first info's parameters; a key set to undefined is left out. */
  parameters?: Record<string, string | undefined>;
  onset?: string | null;
  circle?: string | null;
  regionCode?: string | null;
  areaDesc?: string | null;
  resources?: { mimeType: string; uri: string }[];
  /** Another info block after the first, in another language. */
  secondInfo?: string;
  withInfo?: boolean;
}

/** A CAP 1.2 alert as an upstream system sends it, the report of a missing 4-year-old; tests vary one element at a time. */
export function capReportXml(f: CapInFixture = {}): string {
  const parameters = Object.entries({ ...REPORT_PARAMETERS, ...f.parameters })
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => pair('parameter', k, v))
    .join('');
  const resources = (f.resources ?? [])
    .map((r) => `<resource><resourceDesc>photo</resourceDesc><mimeType>${r.mimeType}</mimeType><uri>${r.uri}</uri></resource>`)
    .join('');
  const area =
    (f.areaDesc === null ? '' : `<areaDesc>${f.areaDesc ?? '翠湖公园南门'}</areaDesc>`) +
    (f.circle === null ? '' : `<circle>${f.circle ?? '24.96,102.76 0'}</circle>`) +
    (f.regionCode === null ? '' : pair('geocode', 'GB/T 2260', f.regionCode ?? '530102'));
  const info =
    `<info><language>zh-CN</language><category>Rescue</category><event>儿童失踪</event><urgency>Immediate</urgency>` +
    `<severity>Severe</severity><certainty>Likely</certainty>${f.onset === null ? '' : `<onset>${f.onset ?? '2026-11-22T19:30:00+08:00'}</onset>`}` +
    `${parameters}${resources}<area>${area}</area></info>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${f.namespace ?? CAP_NAMESPACE}">` +
    `<identifier>${f.identifier ?? 'KM110-0001'}</identifier><sender>${f.sender ?? 'up-kunming-110'}</sender>` +
    `<sent>${f.sent ?? '2026-11-22T20:00:00+08:00'}</sent><status>${f.status ?? 'Actual'}</status>` +
    `<msgType>${f.msgType ?? 'Alert'}</msgType><scope>Restricted</scope>` +
    `${f.references ? `<references>${f.references}</references>` : ''}` +
    `${f.withInfo === false ? '' : info}${f.secondInfo ?? ''}</alert>`
  );
}

/** An upstream system's Cancel of its own earlier Alert. */
export const capCancelXml = (f: CapInFixture = {}): string =>
  capReportXml({
    identifier: 'KM110-0001-cancel',
    msgType: 'Cancel',
    references: 'up-kunming-110,KM110-0001,2026-11-22T20:00:00+08:00',
    withInfo: false,
    ...f,
  });
