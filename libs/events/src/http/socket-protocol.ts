/**
 * A browser cannot set headers on a WebSocket, and a token in the URL's query would sit in every
 * proxy's access log; so a page offers the socket's subprotocol and, beside it, its token as a
 * second one, `bearer.<token>` (a JWT's characters are all allowed in a subprotocol name). The
 * server answers with the subprotocol alone, never echoing the token.
 */
export const SOCKET_PROTOCOL = 'rapid-search.v1';
const BEARER = 'bearer.';

/** The token offered in a `Sec-WebSocket-Protocol` header, if one was. */
export function tokenInProtocols(header: string | undefined): string | undefined {
  const offered = header?.split(',').map((p) => p.trim()) ?? [];
  const bearer = offered.find((p) => p.startsWith(BEARER));
  return bearer && bearer.length > BEARER.length ? bearer.slice(BEARER.length) : undefined;
}

/** `handleProtocols` for @fastify/websocket: the socket's subprotocol when offered, else none. */
export function chooseProtocol(protocols: Set<string>): string | false {
  return protocols.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false;
}
