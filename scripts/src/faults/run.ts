import { signToken } from '@rapid-search/events';
import { TEST_SIGNING_KEY } from '@rapid-search/events/testing';
import { startDedicatedBroker } from './broker.js';
import { awaitCatchUp } from './catch-up.js';
import { ConsoleWatcher } from './consoles.js';
import { checkInvariants, type Invariant } from './invariants.js';
import { msUntil } from './probes.js';
import { runFaults, type FaultOutcome } from './schedule.js';
import { startSystem } from './system.js';
import { Trickle, type Report } from './trickle.js';

export interface FaultRunOptions {
  /** Instances of each service. */
  replicas: number;
  /** Reports a second. */
  perSecond: number;
  /** Between one fault and the next, and before the first. */
  gapMs: number;
  /** The command centres that keep a console open throughout. */
  centres: string[];
  log: (line: string) => void;
}

export interface FaultRun {
  replicas: number;
  faults: FaultOutcome[];
  reports: Report[];
  consoles: ConsoleWatcher[];
  /** Undefined: the system had not caught up when the invariants were checked. */
  caughtUpMs: number | undefined;
  invariants: Invariant[];
  /** What `npm start` printed about its instances. */
  lines: string[];
}

const CATCH_UP_TIMEOUT_MS = 120_000;

/**
 * One fault run from nothing to nothing: a broker of its own, the system on a fresh database,
 * consoles and a trickle of reports throughout the fault schedule, then, once the system has caught
 * up, the invariants. Everything it started is stopped and removed however it ends, also when the
 * process is told to stop (a test runner's timeout).
 */
export async function runFaultRun(options: FaultRunOptions): Promise<FaultRun> {
  const cleanups: (() => unknown)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        options.log(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const interrupted = (signal: NodeJS.Signals) => void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const broker = await startDedicatedBroker();
    cleanups.push(() => broker.destroy());
    options.log(`broker of its own at ${broker.brokers}`);
    const system = await startSystem({ replicas: options.replicas, broker });
    cleanups.push(() => system.stop());
    options.log(`system up: ${options.replicas} instance(s) of each service, database ${system.database.name}`);

    const sign = (principal: Parameters<typeof signToken>[0]) => signToken(principal, TEST_SIGNING_KEY, 3600);
    const consoles = await Promise.all(
      options.centres.map(
        async (centre) => new ConsoleWatcher(centre, system.ports.dispatch, await sign({ sub: centre, role: 'console', commandCenterId: centre })),
      ),
    );
    cleanups.push(() => consoles.forEach((c) => c.stop()));
    if ((await msUntil(() => consoles.every((c) => c.first !== undefined), { timeoutMs: 30_000, stepMs: 100 })) === undefined) {
      throw new Error(
        `no snapshot within 30 s on the consoles of ${consoles
          .filter((c) => c.first === undefined)
          .map((c) => c.centre)
          .join(', ')}`,
      );
    }

    const trickle = new Trickle(system.ports.alert, await sign({ sub: 'up-kunming-110', role: 'upstream', upstreamSystemId: 'up-kunming-110' }));
    trickle.start(options.perSecond);
    cleanups.push(() => trickle.abandon());
    await new Promise((r) => setTimeout(r, options.gapMs));
    const faults = await runFaults({ system, broker, gapMs: options.gapMs, trickle, log: options.log });
    await trickle.stop();

    const caseIds = trickle.reports.flatMap((r) => (r.answer ? [r.answer.caseId] : []));
    const caughtUpMs = await awaitCatchUp(system.database.url, caseIds, consoles, CATCH_UP_TIMEOUT_MS);
    options.log(
      caughtUpMs === undefined
        ? 'the system had not caught up; checking anyway'
        : `caught up ${(caughtUpMs / 1000).toFixed(1)} s after the last report`,
    );
    const auditor = await sign({ sub: 'auditor-faults', role: 'auditor' });
    const invariants = await checkInvariants(system, trickle.reports, consoles, auditor);
    return { replicas: options.replicas, faults, reports: trickle.reports, consoles, caughtUpMs, invariants, lines: [...system.lines] };
  } finally {
    await cleanUp();
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
}
