import type { CapMessage } from './message.js';
import { escapeXml } from './xml.js';

export interface FeedEntry {
  message: CapMessage;
  /** Where the message's CAP document is served. */
  href: string;
}

const el = (name: string, text: string) => `  <${name}>${escapeXml(text)}</${name}>\n`;
const updated = (entries: readonly FeedEntry[], whenEmpty: string) =>
  entries
    .map((e) => e.message.sent)
    .reduce((latest, sent) => (Date.parse(sent) > Date.parse(latest) ? sent : latest), entries[0]?.message.sent ?? whenEmpty);

/**
 * An Atom feed (RFC 4287) of CAP messages as the OASIS CAP-feeds note lays it out: one entry per
 * alert, its latest message, titled by its headline and linking to its CAP document.
 */
export function capAtom(
  feed: { id: string; title: string; author: string; self: string; emptyUpdated: string },
  entries: readonly FeedEntry[],
): string {
  const body = entries
    .map(({ message, href }) => {
      const info = message.info[0]!;
      return (
        ' <entry>\n' +
        el('id', href) +
        el('title', info.headline) +
        el('updated', message.sent) +
        `  <author><name>${escapeXml(info.senderName)}</name></author>\n` +
        `  <link rel="alternate" type="application/cap+xml" href="${escapeXml(href)}"/>\n` +
        el('summary', `${message.msgType} · ${message.status} · ${info.description}`) +
        ' </entry>\n'
      );
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<feed xmlns="http://www.w3.org/2005/Atom">\n' +
    el('id', feed.id) +
    el('title', feed.title) +
    el('updated', updated(entries, feed.emptyUpdated)) +
    `  <author><name>${escapeXml(feed.author)}</name></author>\n` +
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.self)}"/>\n` +
    body +
    '</feed>\n'
  );
}
