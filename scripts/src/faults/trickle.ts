import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { LOAD_PLACES as PLACES } from '../places.js';

/** One POST of a report: its HTTP status, or why no status came (ECONNRESET, timeout …). */
export interface Attempt {
  at: number;
  outcome: number | string;
  /** The body of a 5xx, the evidence of a defect. */
  body?: string;
}

export interface Report {
  /** performance.now() of the first attempt. */
  startedAt: number;
  attempts: Attempt[];
  /** The 201 (or the 200 of a retry answered from the first attempt) that acknowledged it. */
  answer?: { status: number; alertId: string; caseId: string; at: number };
}

export const failed = (a: Attempt): boolean => typeof a.outcome === 'string' || a.outcome >= 500;
export const waitMs = (r: Report): number | undefined => (r.answer ? r.answer.at - r.startedAt : undefined);

/** A report still unanswered after this long is given up: the run's end must not wait for ever. */
const GIVE_UP_MS = 60_000;
/** Past the first retry, which goes at once: a port nobody listens on refuses in microseconds. */
const RETRY_PAUSE_MS = 25;
const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * A steady trickle of reports, each of another child, from a client that does what an upstream
 * system must: on a failed connection or a 5xx it sends the same report with the same
 * Idempotency-Key again, at once, until it is acknowledged. Each attempt goes on a connection of
 * its own, so the kernel spreads them over a service's instances as it spreads many upstream
 * systems' connections.
 */
export class Trickle {
  readonly reports: Report[] = [];
  readonly #run = randomBytes(4).toString('hex');
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #abandoned = false;
  /** Attempts that have gone out and await their answers. */
  #awaiting = 0;
  #wentOut: (() => void)[] = [];

  constructor(
    private readonly port: number,
    private readonly token: string,
  ) {}

  start(perSecond: number): void {
    const started = performance.now();
    const tick = () => {
      const due = started + (this.reports.length * 1000) / perSecond;
      if (performance.now() >= due) {
        const sent = this.#send(this.reports.length);
        this.#inFlight.add(sent);
        void sent.finally(() => this.#inFlight.delete(sent));
      }
      this.#timer = setTimeout(tick, Math.max(0, started + (this.reports.length * 1000) / perSecond - performance.now()));
    };
    tick();
  }

  /** How many attempts have gone out and await their answers. */
  inFlight(): number {
    return this.#awaiting;
  }

  /** Resolves when the next attempt has gone out. */
  nextAttempt(): Promise<void> {
    return new Promise((resolve) => this.#wentOut.push(resolve));
  }

  /** Sends no new report; resolves once every report sent is answered or given up. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    await Promise.all(this.#inFlight);
  }

  /** Sends nothing more, not even a retry: for a run that ends early, whose system may be gone. */
  abandon(): void {
    this.#abandoned = true;
    clearTimeout(this.#timer);
  }

  async #send(n: number): Promise<void> {
    const place = PLACES[n % PLACES.length]!;
    const lastSeen = { lat: place.lat + ((n % 7) - 3) * 0.01, lon: place.lon, regionCode: place.regionCode };
    const now = Date.now();
    const body = JSON.stringify({
      source: '110',
      reportedAt: new Date(now).toISOString(),
      child: { name: `Fault Child ${this.#run} ${n}`, sex: n % 2 ? 'female' : 'male', ageYears: 3 + (n % 12) },
      lastSeen: { ...lastSeen, at: new Date(now - 10 * 60_000).toISOString() },
      reporter: { name: 'Fault Parent', phone: '13800000000', relation: 'mother' },
    });
    const report: Report = { startedAt: performance.now(), attempts: [] };
    this.reports.push(report);
    const key = `faults-${this.#run}-${n}`;
    while (!this.#abandoned && performance.now() - report.startedAt < GIVE_UP_MS) {
      if (report.attempts.length > 1) await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
      const answer = await this.#post(key, body);
      const outcome = answer.status ?? answer.error;
      report.attempts.push({
        at: performance.now(),
        outcome,
        ...(typeof outcome === 'number' && outcome >= 500 ? { body: answer.body.slice(0, 300) } : {}),
      });
      if (answer.status === 200 || answer.status === 201) {
        const { alertId, caseId } = JSON.parse(answer.body) as { alertId: string; caseId: string };
        report.answer = { status: answer.status, alertId, caseId, at: performance.now() };
        return;
      }
      // A 4xx would come again however often it is sent: the run reports it.
      if (answer.status !== undefined && answer.status < 500) return;
    }
  }

  #post(key: string, body: string): Promise<{ status?: number; body: string; error: string }> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/v1/alerts',
          method: 'POST',
          agent: false,
          timeout: ATTEMPT_TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${this.token}`,
            'idempotency-key': key,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, error: '' }));
          res.on('error', (error: NodeJS.ErrnoException) => resolve({ body: '', error: error.code ?? error.message }));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ body: '', error: error.code ?? error.message }));
      let awaiting = false;
      req.once('close', () => awaiting && this.#awaiting--);
      req.end(body, () => {
        if (req.destroyed) return;
        awaiting = true;
        this.#awaiting++;
        this.#wentOut.splice(0).forEach((resolve) => resolve());
      });
    });
  }
}
