import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * The pid of each live instance of the system on `databaseUrl`, by the RS_INSTANCE name `npm start`
 * gives it (`alert-1` …). The database names the system: other systems on the machine, other fault
 * runs among them, use other databases. Reads /proc without blocking: the run's own clients
 * (reports, consoles, probes) must not wait on it.
 */
export async function instancePids(databaseUrl: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  await Promise.all(
    entries.map(async (entry) => {
      let vars: string[];
      try {
        vars = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0');
      } catch {
        return; // exited meanwhile, or not ours to read
      }
      const instance = vars.find((v) => v.startsWith('RS_INSTANCE='));
      if (instance && vars.includes(`DATABASE_URL=${databaseUrl}`)) found.set(instance.slice('RS_INSTANCE='.length), Number(entry));
    }),
  );
  return found;
}

/**
 * Whether `pid` itself holds a socket listening on `port` (on 127.0.0.1, where the services
 * listen): the port alone cannot tell, as every instance of a service shares it.
 */
export async function listensOn(pid: number, port: number): Promise<boolean> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const listening = new Set<string>();
  for (const line of (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(hexPort) && fields[3] === LISTEN && fields[9]) listening.add(fields[9]);
  }
  if (listening.size === 0) return false;
  try {
    const links = await Promise.all((await readdir(`/proc/${pid}/fd`)).map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    return links.some((link) => listening.has(/^socket:\[(\d+)\]$/.exec(link)?.[1] ?? ''));
  } catch {
    return false;
  }
}

const LISTEN = '0A';
