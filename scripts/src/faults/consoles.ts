import WebSocket from 'ws';

/** Centres the trickle's places keep busy: a city's, one of its districts', and two other cities'. */
export const CONSOLE_CENTRES = ['cc-kunming', 'cc-kunming-guandu', 'cc-chengdu', 'cc-chongqing'];

/** Past the first reconnect, which goes at once: a port nobody listens on refuses in microseconds. */
const RECONNECT_PAUSE_MS = 50;

/**
 * A command centre's console that never gives up: on every close it connects again with
 * `?fromPosition=` the last position it saw, to whichever instance the port hands it, and it keeps
 * every event position it was sent, so the run can tell whether its feed had a gap or a repeat.
 */
export class ConsoleWatcher {
  /** The first snapshot's position: the console must see its centre's whole feed after it. */
  first: number | undefined;
  readonly positions: number[] = [];
  /** Connections lost or refused, each followed by another attempt. */
  reconnects = 0;
  #last: number | undefined;
  #socket: WebSocket | undefined;
  #stopped = false;
  #failuresInRow = 0;

  constructor(
    readonly centre: string,
    private readonly port: number,
    private readonly token: string,
  ) {
    this.#connect();
  }

  /** The last position it saw, snapshot or event. */
  last(): number | undefined {
    return this.#last;
  }

  stop(): void {
    this.#stopped = true;
    this.#socket?.terminate();
  }

  #connect(): void {
    const query = this.#last === undefined ? '' : `?fromPosition=${this.#last}`;
    const socket = new WebSocket(`ws://127.0.0.1:${this.port}/v1/consoles${query}`, { headers: { authorization: `Bearer ${this.token}` } });
    this.#socket = socket;
    socket.on('open', () => (this.#failuresInRow = 0));
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { type: string; position?: number };
      if (message.type === 'snapshot') {
        this.first ??= message.position!;
        this.#last = message.position!;
      } else if (message.type === 'event') {
        this.positions.push(message.position!);
        this.#last = message.position!;
      }
    });
    // A refused or failed upgrade: the close that follows reconnects.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.#stopped) return;
      this.reconnects++;
      const pause = this.#failuresInRow++ === 0 ? 0 : RECONNECT_PAUSE_MS;
      setTimeout(() => this.#connect(), pause);
    });
  }
}
