import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Instances of this process holding each application state directory (they may share it). */
const holders = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How many instances of this process hold the directory. */
export function stateDirectoryHolders(directory: string): number {
  return holders.get(directory) ?? 0;
}

/**
 * Locks `<stateDir>/<applicationId>` for this process with a `.lock` file holding the pid. Another
 * live process holding it is an error (two instances must not share task directories); a lock left
 * by a dead process is taken over. Instances inside one process share the lock. Returns the release.
 */
export function lockStateDirectory(directory: string): () => void {
  mkdirSync(directory, { recursive: true });
  const lockFile = join(directory, '.lock');
  if (!holders.has(directory)) {
    let holder: number | undefined;
    try {
      holder = Number(readFileSync(lockFile, 'utf8').trim());
    } catch {
      holder = undefined;
    }
    if (holder !== undefined && holder !== process.pid && alive(holder)) {
      throw new Error(
        `state directory ${directory} is locked by process ${holder}: two instances of an application on one machine need different stateDir settings`,
      );
    }
    writeFileSync(lockFile, String(process.pid));
  }
  holders.set(directory, (holders.get(directory) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const remaining = (holders.get(directory) ?? 1) - 1;
    if (remaining > 0) {
      holders.set(directory, remaining);
      return;
    }
    holders.delete(directory);
    rmSync(lockFile, { force: true });
  };
}
