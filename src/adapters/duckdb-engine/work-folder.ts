import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning } from '../../core/process-alive.ts';

/**
 * A DuckDB session's own folder in the temp folder: its spill files and the stored results of its streams,
 * named by the machine and process that made it (`chainwatch-duckdb-<host>-<pid>-<random>`). A session
 * removes its folder when it closes; a process that dies first (Ctrl-C on a report, the out-of-memory killer,
 * a kill) cannot, and a large build's spill files are gigabytes. So each new folder is made after removing the
 * folders of this machine's processes that no longer run. The host is in the name because a temp folder can be
 * shared by machines whose process ids mean nothing to each other.
 */
const PREFIX = 'chainwatch-duckdb-';
/** mkdtemp's suffix: six characters. */
const FOLDER = /^chainwatch-duckdb-(.+)-(\d+)-[A-Za-z0-9]{6}$/;

/** The host as a file name part. */
const host = (): string => hostname().replace(/[^A-Za-z0-9.]/g, '_') || 'host';

/** Remove the session folders in `parent` of this machine's processes that no longer run. */
async function removeDeadSessionFolders(parent: string = tmpdir()): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const here = host();
  await Promise.all(
    names.map(async (name) => {
      const match = FOLDER.exec(name);
      if (!match || match[1] !== here) return;
      const pid = Number(match[2]);
      if (pid === process.pid || isRunning(pid)) return;
      await rm(join(parent, name), { recursive: true, force: true });
    }),
  );
}

/** A new session folder in `parent`, once the dead processes' folders are gone. */
export async function newSessionFolder(parent: string = tmpdir()): Promise<string> {
  await removeDeadSessionFolders(parent);
  return mkdtemp(join(parent, `${PREFIX}${host()}-${process.pid}-`));
}
