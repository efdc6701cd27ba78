/**
 * An exclusive lock on the embedded data directory. PGlite and the embedded Meilisearch each allow
 * one process; a second `patent-bridge` on the same DATA_DIR (say `import` while `serve` runs)
 * would corrupt PGlite or kill the first one's search server, so it is refused with a clear error.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {
  readonly code = 'DATA_DIR_BUSY';
  constructor(dir: string, pid: number) {
    super(`${dir} is in use by another patent-bridge process (pid ${pid}); stop it first, or run against a Postgres server and Meilisearch (DATABASE_URL, MEILI_URL)`);
    this.name = 'DataDirBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'patent-bridge.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirBusyError(dir, pid);
      rmSync(file, { force: true }); // left by a process that died
    }
  }
  throw new Error(`could not lock ${dir}`);
}
