/**
 * "Always take the report", proven under faults: the whole system as `npm start -- --replicas 2`
 * runs it, on a fresh database and a Kafka broker of its own, with consoles open and a trickle of
 * reports while one instance of each service is killed with SIGKILL, Postgres ends every session,
 * the broker stops, an instance of each service is killed again while it is down, and the broker
 * comes back. Asserts what must hold however long anything took; the times go to the log (and are
 * what bench:faults measures).
 */
import t from 'tap';
import { CONSOLE_CENTRES } from '@rapid-search/scripts/faults/consoles';
import { describeRun } from '@rapid-search/scripts/faults/report';
import { runFaultRun } from '@rapid-search/scripts/faults/run';

// The run takes one to two minutes alone; sharing two cores with the rest of `npm test` it may take
// longer, and a timeout would only hide what the invariants say.
t.setTimeout(300_000);

// Every top-level await comes before the first subtest: tap ends the root test once it has no
// pending subtest. The run cleans up after itself (processes, broker, database) however it ends.
const run = await runFaultRun({ replicas: 2, perSecond: 10, gapMs: 5000, centres: CONSOLE_CENTRES, log: (line) => t.comment(line) });
for (const line of [...describeRun(run), ...run.lines]) t.comment(line);

t.test('given two instances of each service, four consoles open and a trickle of reports', async (t) => {
  t.test(
    'when an instance of each is killed, Postgres ends every session, and the broker stops and restarts with an instance of each killed meanwhile',
    async (t) => {
      t.test('then every killed service serves again and every killed instance is replaced', async (t) => {
        for (const fault of run.faults.filter((f) => f.service)) {
          t.not(fault.servesAgainMs, undefined, `${fault.name}: the service serves again`);
          t.not(fault.replacementMs, undefined, `${fault.name}: a new instance listens in its place`);
        }
      });
      t.test("then the system catches up: every case planned and filed, every event chained, every console at its feed's end", async (t) => {
        t.not(run.caughtUpMs, undefined);
      });
      for (const invariant of run.invariants) {
        t.test(`then ${invariant.name}`, async (t) => {
          t.ok(invariant.ok, invariant.detail);
        });
      }
    },
  );
});
