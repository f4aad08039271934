/**
 * Keeps `npm start`'s service instances running: an instance that exits, whatever the cause, is
 * started again (see restart-policy.ts) and the operator is told, so one crash never takes the
 * system down with it. Only `stop()` ends them for good.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { setPriority } from 'node:os';
import { relative } from 'node:path';
import { nextRestart } from './restart-policy.js';

export interface InstanceSpec {
  /** e.g. `alert-2`: names the instance in what start prints, in RS_INSTANCE and in its log file. */
  id: string;
  /** Node's arguments: options, then the entry file. */
  args: string[];
  env: NodeJS.ProcessEnv;
  nice: number;
  logFile: string;
}

interface Instance {
  spec: InstanceSpec;
  /** One file for all of an instance's lives, so a crash and what follows it read in order. */
  out: WriteStream;
  child: ChildProcess | undefined;
  quickExits: number;
  restart: NodeJS.Timeout | undefined;
}

export class Supervisor {
  readonly #instances: Instance[] = [];
  readonly #log: (message: string) => void;
  #stopping = false;

  constructor(log: (message: string) => void) {
    this.#log = log;
  }

  run(spec: InstanceSpec): void {
    const instance: Instance = { spec, out: createWriteStream(spec.logFile, { flags: 'a' }), child: undefined, quickExits: 0, restart: undefined };
    this.#instances.push(instance);
    this.#launch(instance);
  }

  /** Ends every instance (SIGTERM, SIGKILL after 15 s) and cancels pending restarts. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(
      this.#instances.map(async (instance) => {
        clearTimeout(instance.restart);
        if (instance.child) await terminate(instance.child);
        await new Promise((resolve) => instance.out.end(resolve));
      }),
    );
  }

  #launch(instance: Instance): void {
    const { spec } = instance;
    const startedAt = Date.now();
    const child = spawn(process.execPath, spec.args, { env: { ...spec.env, RS_INSTANCE: spec.id }, stdio: ['ignore', 'pipe', 'pipe'] });
    instance.child = child;
    if (spec.nice !== 0 && child.pid !== undefined) {
      try {
        setPriority(child.pid, spec.nice);
      } catch (error) {
        this.#log(`${spec.id} runs at normal priority (${String(error)})`);
      }
    }
    child.stdout?.pipe(instance.out, { end: false });
    child.stderr?.pipe(instance.out, { end: false });
    child.on('error', (error) => this.#log(`${spec.id}: ${error.message}`));
    // 'close' rather than 'exit': the instance's last lines are in its log before the next life writes.
    child.once('close', (code, signal) => {
      instance.child = undefined;
      if (this.#stopping) return;
      const uptimeMs = Date.now() - startedAt;
      const { delayMs, quickExits } = nextRestart(instance.quickExits, uptimeMs);
      instance.quickExits = quickExits;
      const when = delayMs === 0 ? 'restarting it now' : `restarting it in ${delayMs / 1000} s`;
      this.#log(
        `${spec.id} exited (${signal ? `signal ${signal}` : `code ${code}`}) after ${(uptimeMs / 1000).toFixed(1)} s; ${when} (log: ${relative(process.cwd(), spec.logFile)})`,
      );
      instance.restart = setTimeout(() => {
        instance.restart = undefined;
        this.#launch(instance);
        this.#log(`${spec.id} restarted (pid ${instance.child?.pid ?? 'none'})`);
      }, delayMs);
    });
  }
}

function terminate(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15000).unref();
  });
}
