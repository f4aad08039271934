import pg from 'pg';
import { RESTART_POLICY } from '../restart-policy.js';
import type { DedicatedBroker } from './broker.js';
import { instancePids, listensOn } from './instances.js';
import { msUntil, serving, settled } from './probes.js';
import { SERVICE_NAMES, type ServiceName, type SystemUnderTest } from './system.js';

/** What one fault did to the system, measured from the moment it struck. */
export interface FaultOutcome {
  name: string;
  /** performance.now() when it struck. */
  at: number;
  /** The service an instance was killed of. */
  service?: ServiceName;
  /** Reports that had gone out and were unanswered when it struck (to an alert instance killed, perhaps to another). */
  inFlightAtStrike?: number;
  /** Until the killed service's port answered /healthz again (another instance, or the restarted one). */
  servesAgainMs?: number;
  /** Until the killed instance's replacement listened on the port itself. */
  replacementMs?: number;
  /** Until every service's /readyz was settled again (every check ok, or standby); for the broker's start, from when it answers. */
  settledMs?: number;
  /** It had not settled when the next fault was due, this long after it struck. */
  unsettledAfterMs?: number;
}

/** What a strike measured; `at` when it struck later than its step began (a kill that waited for a report in flight). */
type Measured = Omit<FaultOutcome, 'name' | 'at'> & { at?: number };

interface Step {
  atMs: number;
  name: string;
  strike: () => Promise<Measured>;
  /** The next step may strike only once this one is done (the broker is down, or up again); others measure meanwhile. */
  inTurn?: true;
}

/** How long a kill of an alert instance waits for a report to go out before it strikes anyway. */
const AIM_MS = 2000;
/** About as long as an accepted report takes from its request to its answer when nothing fails. */
const IN_FLIGHT_MS = 5;

/** Long enough for any of these to come back, short enough that a stuck one fails the run. */
const RECOVERY_TIMEOUT_MS = 60_000;

/**
 * The fault schedule: kill -9 one instance of each service in turn; end every Postgres session of
 * the system's database; stop the broker and, while it is down, kill one instance of each service
 * again (the second instance where there are two); start the broker again. `gapMs` apart, except
 * that an instance killed twice has by then run long enough to count as healthy again, so
 * `npm start` brings it back at once both times rather than after its backoff.
 * Resolves when every measurement is in.
 */
export async function runFaults(options: {
  system: SystemUnderTest;
  broker: DedicatedBroker;
  gapMs: number;
  /** The reports' attempts, so that killing an alert instance can wait for one in flight. */
  trickle: InFlight;
  log: (line: string) => void;
}): Promise<FaultOutcome[]> {
  const { system, broker, gapMs, log } = options;
  const kill = (service: ServiceName, n: number) => killInstance(system, service, n, service === 'alert' ? options.trickle : undefined);
  const second = system.replicas > 1 ? 2 : 1;
  const secondRound = Math.max(5 * gapMs, RESTART_POLICY.healthyAfterMs + 2000);
  const steps: Step[] = [
    ...SERVICE_NAMES.map((service, i) => ({ atMs: i * gapMs, name: `kill -9 ${service}-1`, strike: () => kill(service, 1) })),
    { atMs: 3 * gapMs, name: 'terminate postgres sessions', strike: () => terminatePostgres(system, options.trickle, gapMs) },
    { atMs: 4 * gapMs, name: 'stop broker', strike: () => broker.stop().then(() => ({})), inTurn: true },
    ...SERVICE_NAMES.map((service, i) => ({
      atMs: secondRound + i * gapMs,
      name: `kill -9 ${service}-${second} (broker down)`,
      strike: () => kill(service, second),
    })),
    {
      atMs: secondRound + 3 * gapMs,
      name: 'start broker',
      strike: () => broker.start().then(() => untilSettled(system, RECOVERY_TIMEOUT_MS)),
      inTurn: true,
    },
  ];
  const started = performance.now();
  const measured: Promise<FaultOutcome>[] = [];
  for (const step of steps) {
    const wait = started + step.atMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = performance.now();
    log(`${((at - started) / 1000).toFixed(1)} s: ${step.name}`);
    const outcome = step.strike().then((o) => ({ name: step.name, at, ...o }));
    measured.push(outcome);
    if (step.inTurn) await outcome;
  }
  await new Promise((r) => setTimeout(r, Math.max(0, started + secondRound + 4 * gapMs - performance.now())));
  return Promise.all(measured);
}

async function killInstance(system: SystemUnderTest, service: ServiceName, n: number, trickle?: InFlight): Promise<Measured> {
  const id = `${service}-${n}`;
  const pid = (await instancePids(system.database.url)).get(id);
  if (pid === undefined) throw new Error(`no live instance ${id} to kill`);
  if (trickle) await reportUnderWay(trickle);
  const inFlightAtStrike = trickle?.inFlight();
  process.kill(pid, 'SIGKILL');
  const since = performance.now();
  const port = system.ports[service];
  const [servesAgainMs, replacementMs] = await Promise.all([
    msUntil(() => serving(system.urls[service]), { timeoutMs: RECOVERY_TIMEOUT_MS, stepMs: 50, since }),
    // Coarser: the kernel's table of sockets is slow to read, and the run shares the cores with the system.
    msUntil(
      async () => {
        const now = (await instancePids(system.database.url)).get(id);
        return now !== undefined && now !== pid && (await listensOn(now, port));
      },
      { timeoutMs: RECOVERY_TIMEOUT_MS, stepMs: 250, since },
    ),
  ]);
  return { service, at: since, ...defined({ inFlightAtStrike, servesAgainMs, replacementMs }) };
}

/** What the schedule needs of the trickle: how many attempts await their answers, and when the next goes out. */
export interface InFlight {
  inFlight(): number;
  nextAttempt(): Promise<void>;
}

/** Resolves at a random point of a report's way: unread, in its batch's transaction, or committed and unanswered. */
async function reportUnderWay(trickle: InFlight): Promise<void> {
  await Promise.race([trickle.nextAttempt(), new Promise((r) => setTimeout(r, AIM_MS))]);
  await new Promise((r) => setTimeout(r, Math.random() * IN_FLIGHT_MS));
}

/** What a failover of the database, or a restart of it, does to every session: ends it, while a report is on its way. */
async function terminatePostgres(system: SystemUnderTest, trickle: InFlight, gapMs: number): Promise<Measured> {
  const client = new pg.Client({ connectionString: system.database.url });
  await client.connect();
  try {
    await reportUnderWay(trickle);
    const at = performance.now();
    const inFlightAtStrike = trickle.inFlight();
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    // Measured only until the broker stops, which unsettles every service again.
    return { at, inFlightAtStrike, ...(await untilSettled(system, gapMs - (performance.now() - at))) };
  } finally {
    await client.end();
  }
}

async function untilSettled(system: SystemUnderTest, timeoutMs: number): Promise<Measured> {
  const since = performance.now();
  const settledMs = await msUntil(async () => (await Promise.all(SERVICE_NAMES.map((s) => settled(system.urls[s])))).every(Boolean), {
    timeoutMs,
    stepMs: 100,
    since,
  });
  return settledMs === undefined ? { unsettledAfterMs: performance.now() - since } : { settledMs };
}

/** Leaves out what was never measured (exactOptionalPropertyTypes). */
function defined<T extends Record<string, number | undefined>>(values: T): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: number };
}
