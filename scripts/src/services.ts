/**
 * The three services as `npm start` runs them (every instance of one shares its port, so its url
 * reaches any of them). Dispatch keeps V8's young generation small and states its heap's ceiling:
 * without one V8 sizes the heap to the machine's memory and lets it grow to several times what
 * the thousands of consoles' sockets and frames keep live before collecting; with a ceiling far
 * above that it collects sooner, at some cost in CPU.
 * The ledger runs at a lower CPU priority (nice 10): it is off the path from an alert to the
 * consoles and only has to keep up eventually, so when the cores are contended the alert and
 * dispatch services go first and the ledger catches up in larger, cheaper chunks. A chunk is
 * garbage by the time it is chained; a young generation large enough to hold a few of them lets
 * it die there instead of being promoted, where each full collection would mark the whole heap.
 * Its heap's ceiling keeps V8 from growing the old generation to several times what the ledger
 * holds live, so its memory stays flat.
 */
export const SERVICES = [
  { name: 'alert', port: Number(process.env.ALERT_PORT ?? 3001), portVariable: 'ALERT_PORT', nodeOptions: [] as string[], nice: 0 },
  {
    name: 'dispatch',
    port: Number(process.env.DISPATCH_PORT ?? 3002),
    portVariable: 'DISPATCH_PORT',
    nodeOptions: ['--max-semi-space-size=4', '--max-old-space-size=1024'],
    nice: 0,
  },
  {
    name: 'ledger',
    port: Number(process.env.LEDGER_PORT ?? 3003),
    portVariable: 'LEDGER_PORT',
    nodeOptions: ['--max-semi-space-size=32', '--max-old-space-size=512'],
    nice: 10,
  },
].map((s) => ({ ...s, url: `http://127.0.0.1:${s.port}` }));

/** Polls /readyz until the service says it is ready (Postgres, Kafka, migrations, consumers). */
export async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
