import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU milliseconds (user + system) a process has used so far, or undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name, field 2, may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** The Kafka broker's JVM on this machine, by its main class. */
export function brokerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('kafka.Kafka')) return Number(entry);
    } catch {
      // A process that ended while the directory was read.
    }
  }
  return undefined;
}

/**
 * CPU spent per process between `start` and `stop`. Groups of pids may change while it runs (a
 * pool opens a Postgres session mid-run): sampled each second, a pid first seen after the start
 * counts from zero, and one that ends counts up to its last sample.
 */
export class CpuMeter {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly group = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly groups: () => Promise<Record<string, number[]>>) {}

  async start(): Promise<void> {
    await this.sample();
    this.started = true;
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 1000);
  }

  async stop(): Promise<Map<string, number>> {
    clearInterval(this.timer);
    await this.sample();
    const spent = new Map<string, number>();
    for (const [pid, name] of this.group) spent.set(name, (spent.get(name) ?? 0) + this.last.get(pid)! - (this.first.get(pid) ?? 0));
    return spent;
  }

  private async sample(): Promise<void> {
    for (const [name, pids] of Object.entries(await this.groups())) {
      for (const pid of pids) {
        const ms = cpuMs(pid);
        if (ms === undefined) continue;
        this.group.set(pid, name);
        if (!this.started && !this.first.has(pid)) this.first.set(pid, ms);
        this.last.set(pid, ms);
      }
    }
  }
}

/** The pids of the Postgres sessions on one database, other than the asking one. */
export async function postgresBackends(client: pg.Client, database: string): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  return rows.map((r) => r.pid);
}
