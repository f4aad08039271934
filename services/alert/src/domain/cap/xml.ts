import type { CapInfo, CapMessage } from './message.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

/** Characters XML 1.0 cannot carry at all are dropped; the five markup characters are escaped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const el = (name: string, text: string | number, indent: string) => `${indent}<${name}>${escapeXml(String(text))}</${name}>\n`;
const pair = (name: string, valueName: string, value: string | number, indent: string) =>
  `${indent}<${name}>\n${el('valueName', valueName, `${indent}  `)}${el('value', value, `${indent}  `)}${indent}</${name}>\n`;

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp' };

/** The photo's type by its name; a photo named otherwise is served as JPEG, as phones take them. */
function imageMimeType(uri: string): string {
  const ext = /\.([a-z]+)$/i.exec(new URL(uri).pathname)?.[1]?.toLowerCase() ?? '';
  return IMAGE_TYPES[ext] ?? 'image/jpeg';
}

/** One `info` block, its elements in the order the CAP 1.2 schema's sequence requires. */
function infoXml(info: CapInfo): string {
  const i = '    ';
  const resource = info.photoUrl
    ? `${i}<resource>\n${el('resourceDesc', info.language === 'zh-CN' ? '儿童照片' : 'Photo of the child', `${i}  `)}${el('mimeType', imageMimeType(info.photoUrl), `${i}  `)}${el('uri', info.photoUrl, `${i}  `)}${i}</resource>\n`
    : '';
  const { area } = info;
  return (
    '  <info>\n' +
    el('language', info.language, i) +
    el('category', 'Rescue', i) +
    el('event', info.event, i) +
    el('urgency', 'Immediate', i) +
    el('severity', 'Severe', i) +
    el('certainty', 'Likely', i) +
    pair('eventCode', 'SAME', 'CAE', i) +
    el('expires', info.expires, i) +
    el('senderName', info.senderName, i) +
    el('headline', info.headline, i) +
    el('description', info.description, i) +
    el('instruction', info.instruction, i) +
    el('contact', info.contact, i) +
    pair('parameter', 'radiusKm', info.radiusKm, i) +
    resource +
    `${i}<area>\n` +
    el('areaDesc', area.areaDesc, `${i}  `) +
    el('circle', `${area.lat},${area.lon} ${area.radiusKm}`, `${i}  `) +
    pair('geocode', 'GB/T 2260', area.regionCode, `${i}  `) +
    `${i}</area>\n` +
    '  </info>\n'
  );
}

/** The CAP 1.2 document of one message: the same message always gives the same bytes. */
export function capXml(message: CapMessage): string {
  const i = '  ';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<alert xmlns="${CAP_NAMESPACE}">\n` +
    el('identifier', message.identifier, i) +
    el('sender', message.sender, i) +
    el('sent', message.sent, i) +
    el('status', message.status, i) +
    el('msgType', message.msgType, i) +
    el('scope', 'Public', i) +
    (message.note ? el('note', message.note, i) : '') +
    (message.references ? el('references', message.references, i) : '') +
    el('incidents', message.incidents, i) +
    message.info.map(infoXml).join('') +
    '</alert>\n'
  );
}
