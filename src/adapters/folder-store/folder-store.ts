import type { Dirent } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ChainwatchError, StoreError } from '../../core/errors.ts';
import type { ObjectStore } from '../../core/seams/object-store.ts';

/** A temp file is `<final name>.tmp-<writer pid>-<random>`; readers never list it. */
const TEMP_MARK = '.tmp-';
const TEMP_FILE = /\.tmp-(\d+)-[0-9a-z]*$/;

/** Whether a process id names a running process (EPERM: it runs, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The embedded default: a folder with the S3 key layout. Writes are atomic (temp file + rename). */
export class FolderObjectStore implements ObjectStore {
  readonly location: string;
  constructor(readonly root: string) {
    this.location = root.endsWith('/') ? root : root + '/';
  }

  private path(key: string): string {
    if (key.startsWith('/') || key.split('/').includes('..')) {
      throw new StoreError(`Invalid object key "${key}"`, 'Keys are relative, "/"-separated paths without "..".');
    }
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.putWith(key, (tmp) => writeFile(tmp, body));
  }

  async putWith(key: string, write: (path: string) => Promise<void>): Promise<void> {
    const path = this.path(key);
    const tmp = `${path}${TEMP_MARK}${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await write(tmp);
      await rename(tmp, path);
    } catch (cause) {
      await rm(tmp, { force: true });
      if (cause instanceof ChainwatchError) throw cause;
      throw new StoreError(
        `Could not write ${this.location}${key}: ${(cause as Error).message}`,
        'Check that the lake folder is writable and the disk has free space.',
        { cause },
      );
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(
        `Could not read ${this.location}${key}: ${(cause as Error).message}`,
        'Check the lake folder permissions.',
        { cause },
      );
    }
  }

  async list(prefix: string): Promise<string[]> {
    // Walk from the deepest existing folder of the prefix, then filter by the full prefix string.
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = base ? this.path(base) : this.root;
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw cause;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.includes(TEMP_MARK)) keys.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    await walk(start);
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }

  /**
   * Delete the temp files of writers that are no longer running (a process killed between writing its
   * temp file and renaming it). A running writer's temp file, this process's included, is left alone.
   */
  async removeLeftovers(): Promise<string[]> {
    const removed: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
        if (cause.code === 'ENOENT') return [];
        throw new StoreError(`Could not list ${dir}: ${cause.message}`, 'Check the lake folder permissions.', {
          cause,
        });
      });
      for (const entry of entries) {
        const full = join(dir, entry.name);
        const pid = Number(TEMP_FILE.exec(entry.name)?.[1]);
        if (entry.isDirectory()) await walk(full);
        else if (pid && pid !== process.pid && !isRunning(pid)) {
          await rm(full, { force: true });
          removed.push(relative(this.root, full).split(sep).join('/'));
        }
      }
    };
    await walk(this.root);
    return removed.sort();
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.path(k), { force: true })));
  }

  async copy(from: string, to: string): Promise<void> {
    const source = this.path(from);
    await this.putWith(to, (tmp) =>
      copyFile(source, tmp).catch((cause: NodeJS.ErrnoException) => {
        if (cause.code !== 'ENOENT') throw cause;
        throw new StoreError(
          `Could not copy ${this.location}${from}: it does not exist`,
          'Something removed it; run the step again.',
          { cause },
        );
      }),
    );
  }

  async stamp(key: string): Promise<string | undefined> {
    try {
      // Nanoseconds, as the file system keeps them (a copy with `cp -a` keeps them too).
      const s = await stat(this.path(key), { bigint: true });
      return `${s.size}:${s.mtimeNs}`;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(
        `Could not read ${this.location}${key}: ${(cause as Error).message}`,
        'Check the lake folder permissions.',
        { cause },
      );
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.path(key));
      return true;
    } catch {
      return false;
    }
  }
}
