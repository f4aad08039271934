// The console socket: snapshot on first connect, and after any close (a drop, a restart, 4008
// slow consumer, 4029 message budget) a reconnect that resumes from the last position applied.

const RETRY_MS = [250, 500, 1000, 2000, 5000];

export class Feed {
  #token;
  #board;
  #onChange;
  #socket = null;
  #attempt = 0;
  #stopped = false;
  /** 'connecting' | 'live' | 'reconnecting' | 'resumed' | 'expired' | 'refused' */
  state = 'connecting';
  resumedFrom = null;
  /** Every state the connection has been in, for a shift log (and the browser tests). */
  history = [];

  constructor(token, board, onChange) {
    this.#token = token;
    this.#board = board;
    this.#onChange = onChange;
  }

  /** Seconds since the epoch the token stops being valid, read from its own claims. */
  get expiresAt() {
    try {
      const claims = JSON.parse(atob(this.#token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return typeof claims.exp === 'number' ? claims.exp : null;
    } catch {
      return null;
    }
  }

  get expired() {
    const exp = this.expiresAt;
    return exp !== null && Date.now() >= exp * 1000;
  }

  connect() {
    if (this.expired) return this.#set('expired');
    const from = this.#board.position;
    const url = new URL('/v1/consoles', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (from !== null) url.searchParams.set('fromPosition', String(from));
    // The token rides as a subprotocol, never in the URL: a browser cannot set headers here.
    const socket = new WebSocket(url, ['rapid-search.v1', `bearer.${this.#token}`]);
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#attempt = 0;
      if (from !== null) {
        this.resumedFrom = from;
        this.#set('resumed');
      }
    };
    socket.onmessage = (m) => this.#receive(JSON.parse(m.data));
    socket.onclose = () => {
      if (this.#socket !== socket || this.#stopped) return;
      if (!opened && this.expired) return this.#set('expired');
      this.#set('reconnecting');
      const wait = RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)];
      setTimeout(() => this.connect(), wait);
    };
  }

  /** Closes the socket as a drop would: the feed reconnects and resumes on its own. */
  drop() {
    this.#socket?.close();
  }

  send(message) {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  onReply = () => {};

  #receive(message) {
    if (message.type === 'snapshot') {
      this.#board.snapshot(message.position, message.tasks);
      if (this.state !== 'resumed') this.#set('live');
      return this.#onChange();
    }
    if (message.type === 'event') {
      if (this.#board.apply(message.position, message.event)) this.#onChange();
      if (this.state === 'connecting' || this.state === 'reconnecting') this.#set('live');
      return;
    }
    if (message.type === 'error' && message.code === 'RESUME_PAST_HEAD') {
      // The server's store is behind what this page saw (a rebuilt database): start from a snapshot.
      this.#board.position = null;
      return this.drop();
    }
    this.onReply(message);
  }

  #set(state) {
    this.state = state;
    this.history.push(state);
    this.#onChange();
  }
}
