import { request } from 'node:http';

/**
 * A GET on a connection of its own: a pooled keep-alive socket would keep asking the instance it
 * first reached, and a port shared by several instances is only as alive as the one it reaches now.
 */
export function get(url: string, timeoutMs = 1000, headers: Record<string, string> = {}): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** The service answers HTTP at all. */
export async function serving(base: string): Promise<boolean> {
  return (await get(`${base}/healthz`))?.status === 200;
}

/**
 * The service's whole background has come back: /readyz names every check `ok`, or `standby` for a
 * singleton another instance holds.
 */
export async function settled(base: string): Promise<boolean> {
  const answer = await get(`${base}/readyz`);
  if (answer?.status !== 200) return false;
  const { checks } = JSON.parse(answer.body) as { checks: Record<string, string> };
  return Object.values(checks).every((state) => state === 'ok' || state.startsWith('standby'));
}

/** Milliseconds from `since` (default now) until `check` first passes; undefined if not within `timeoutMs`. */
export async function msUntil(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; stepMs?: number; since?: number },
): Promise<number | undefined> {
  const since = options.since ?? performance.now();
  for (;;) {
    if (await check()) return performance.now() - since;
    if (performance.now() - since > options.timeoutMs) return undefined;
    await new Promise((r) => setTimeout(r, options.stepMs ?? 20));
  }
}
