import { ValidationError } from '@rapid-search/events';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CAP_NAMESPACE } from './xml.js';

/** An element as read: its text, its attributes (`@_name`) and its children, each child name a list. */
export type CapNode = { '#text'?: string } & { [name: string]: CapNode[] | string | undefined };

/**
 * A DTD is where entity expansion (billion laughs) and external references (XXE) live, so a
 * document that declares one, or an entity, is refused unread; CAP has no use for either.
 */
const DTD = /<!(?:DOCTYPE|ENTITY)/i;

/** What may come before the document element: the XML declaration, comments, space. */
const PROLOG = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*/;
/** The document element's start tag: its prefix, if any, and its attributes, where the namespace is declared. */
const ROOT_TAG = /^<(?:([A-Za-z_][\w.-]*):)?alert(\s[^>]*)?\/?>/;

const refused = (path: string, message: string) => new ValidationError([{ path, message }]);

/**
 * fast-xml-parser with entities left as written (never expanded, never fetched: textOf reads XML's
 * own references) and every value kept as text; every element is read as a list, so one `info` and many read alike.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  alwaysCreateTextNode: true,
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
});

/** The CAP 1.2 `alert` of an XML document, or 400 naming what is wrong with the document. */
export function readCapAlert(xml: string): CapNode {
  if (DTD.test(xml)) throw refused('body', 'a DOCTYPE or ENTITY declaration is refused: CAP documents carry no DTD');
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) throw refused('body', `not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`);
  const root = (parser.parse(xml) as Record<string, CapNode[] | undefined>).alert;
  const start = ROOT_TAG.exec(xml.replace(PROLOG, ''));
  if (!start || root?.length !== 1) throw refused('alert', 'the document element must be a CAP `alert`');
  const declared = new RegExp(`\\sxmlns${start[1] ? `:${start[1].replace(/\./g, '\\.')}` : ''}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(start[2] ?? '');
  if ((declared?.[1] ?? declared?.[2]) !== CAP_NAMESPACE) throw refused('alert', `the namespace must be ${CAP_NAMESPACE}`);
  return root[0]!;
}

/** The text of the first child element of that name, if any. */
export function textOf(node: CapNode, name: string): string | undefined {
  const child = node[name];
  if (!Array.isArray(child) || child.length === 0) return undefined;
  const text = child[0]!['#text'];
  return text === undefined || text === '' ? undefined : decodeReferences(text);
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * XML's own references (the five predefined entities, and character references) read as the
 * characters they stand for; each is longer than what it stands for, so the text can only shrink.
 * Any other `&name;` is left as written: with no DTD there is nothing it could mean.
 */
function decodeReferences(text: string): string {
  return text.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g, (reference, name?: string, dec?: string, hex?: string) => {
    if (name) return PREDEFINED[name]!;
    const code = dec ? Number(dec) : Number.parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
  });
}

/** Every child element of that name. */
export function childrenOf(node: CapNode, name: string): CapNode[] {
  const child = node[name];
  return Array.isArray(child) ? child : [];
}
