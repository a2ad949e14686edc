import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import {
  copyFile,
  link,
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ChainwatchError, StoreError, UsageError } from '../../core/errors.ts';
import { isRunning } from '../../core/process-alive.ts';
import { readBytes } from '../../core/read-bytes.ts';
import type { ObjectStore, Versioned } from '../../core/seams/object-store.ts';

/** A temp file is `<final name>.tmp-<writer pid>-<random>`; readers never list it. */
const TEMP_MARK = '.tmp-';
const TEMP_FILE = /\.tmp-(\d+)-[0-9a-z]*$/;
/**
 * The guard of a compare-and-swap of one version of an object: `<final name>.tmp-cas-<version>`. Its
 * name depends only on the version, so of two writers swapping the same version, one creates it.
 */
const casGuard = (path: string, version: string) => `${path}${TEMP_MARK}cas-${version.slice(0, 32)}`;

const versionOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const errno = (cause: unknown): string | undefined => (cause as NodeJS.ErrnoException)?.code;

/** The embedded default: a folder with the S3 key layout. Writes are atomic (temp file + rename). */
export class FolderObjectStore implements ObjectStore {
  readonly location: string;
  constructor(readonly root: string) {
    this.location = root.endsWith('/') ? root : root + '/';
  }

  protected path(key: string): string {
    if (key.startsWith('/') || key.split('/').includes('..')) {
      throw new StoreError(`Invalid object key "${key}"`, 'Keys are relative, "/"-separated paths without "..".');
    }
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.putWith(key, (tmp) => writeFile(tmp, body));
  }

  async putWith(key: string, write: (path: string) => Promise<void>): Promise<void> {
    await this.publish(key, write, rename);
  }

  /** Write `key`'s temp file with `write`, then move it in place with `place` (a rename, or an exclusive link). */
  private async publish<T>(
    key: string,
    write: (tmp: string) => Promise<void>,
    place: (tmp: string, path: string) => Promise<T>,
  ): Promise<T> {
    const path = this.path(key);
    const tmp = `${path}${TEMP_MARK}${process.pid}-${Math.random().toString(36).slice(2)}`;
    // A rename takes the temp file with it; any other end leaves it to remove (one more call a file otherwise).
    let renamed = false;
    try {
      for (let attempt = 1; ; attempt++) {
        // Another writer's cleanup may remove the folder while it is empty (a lock released while the next writer
        // takes it): inside our recursive mkdir (it found the folder, then could not stat it) or between our mkdir
        // and our write. Either way, make it again.
        const made = await mkdir(dirname(path), { recursive: true }).then(
          () => true,
          (cause) => {
            if (errno(cause) !== 'ENOENT' || attempt === 5) throw cause;
            return false;
          },
        );
        if (!made) continue;
        try {
          await write(tmp);
          break;
        } catch (cause) {
          if (errno(cause) !== 'ENOENT' || attempt === 5 || (await this.folderExists(dirname(path)))) throw cause;
        }
      }
      const placed = await place(tmp, path);
      renamed = place === rename;
      return placed;
    } catch (cause) {
      if (cause instanceof ChainwatchError) throw cause;
      throw this.writeError(key, cause);
    } finally {
      if (!renamed) await rm(tmp, { force: true });
    }
  }

  private async folderExists(dir: string): Promise<boolean> {
    return stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
  }

  /** A read of a key that is not there answers undefined; any other failure is the user's to look at. */
  private absentOrFail(key: string, cause: unknown): undefined {
    if (errno(cause) === 'ENOENT') return undefined;
    throw new StoreError(
      `Could not read ${this.location}${key}: ${(cause as Error).message}`,
      'Check the lake folder permissions.',
      { cause },
    );
  }

  private writeError(key: string, cause: unknown): StoreError {
    return new StoreError(
      `Could not write ${this.location}${key}: ${(cause as Error).message}`,
      'Check that the lake folder is writable and the disk has free space.',
      { cause },
    );
  }

  async putFile(key: string, path: string): Promise<void> {
    await this.putWith(key, (tmp) => copyFile(path, tmp));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readBytes(this.path(key));
    } catch (cause) {
      return this.absentOrFail(key, cause);
    }
  }

  async readTail(key: string, bytes: number): Promise<{ tail: Uint8Array; size: number } | undefined> {
    let file: FileHandle | undefined;
    try {
      file = await open(this.path(key), 'r');
      const { size } = await file.stat();
      const tail = new Uint8Array(Math.min(bytes, size));
      await file.read(tail, 0, tail.length, size - tail.length);
      return { tail, size };
    } catch (cause) {
      return this.absentOrFail(key, cause);
    } finally {
      await file?.close();
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
   * temp file and renaming it) under `prefixes`; nothing outside them is looked at, and nothing but a
   * temp name this store makes is removed. A running writer's temp file, this process's included, is
   * left alone. A folder that held only such files goes too (as `delete` does): a run killed while writing the
   * first file of its staging folder leaves no key there, so nothing else would ever remove the folder.
   */
  async removeLeftovers(prefixes: readonly string[]): Promise<string[]> {
    const removed: string[] = [];
    const emptied = new Set<string>();
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
          emptied.add(dir);
        }
      }
    };
    for (const prefix of prefixes) await walk(this.path(prefix.replace(/\/$/, '')));
    await this.removeEmpty(emptied);
    return removed.sort();
  }

  /** Delete the keys, and every folder that deleting them left empty (as in S3, a folder is only its keys). */
  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.path(k), { force: true })));
    await this.removeEmpty(new Set(keys.map((k) => dirname(this.path(k)))));
  }

  /** Remove each folder and its parents up to the root while they are empty; a folder with anything in it stays. */
  private async removeEmpty(folders: Iterable<string>): Promise<void> {
    for (const folder of [...folders].sort((a, b) => b.length - a.length)) await this.removeEmptyUp(folder);
  }

  private async removeEmptyUp(folder: string): Promise<void> {
    for (let dir = folder; relative(this.root, dir) !== '' && !relative(this.root, dir).startsWith('..'); ) {
      try {
        await rmdir(dir);
      } catch (cause) {
        if (errno(cause) === 'ENOENT') {
          dir = dirname(dir);
          continue;
        }
        return; // ENOTEMPTY (or any other reason): it stays, and so do its parents.
      }
      dir = dirname(dir);
    }
  }

  async topLevel(): Promise<string[]> {
    try {
      return (await readdir(this.root)).sort();
    } catch (cause) {
      if (errno(cause) === 'ENOENT') return [];
      if (errno(cause) === 'ENOTDIR')
        throw new UsageError(
          `${this.root} is a file, not a folder`,
          'Pass a folder (a new one, or a lake chainwatch made).',
        );
      throw new StoreError(
        `Could not list ${this.location}: ${(cause as Error).message}`,
        'Check the folder permissions.',
        {
          cause,
        },
      );
    }
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const body = await this.get(key);
    return body === undefined ? undefined : { body, version: versionOf(body) };
  }

  /** An exclusive link of the complete temp file: the object appears whole, and only if there was none. */
  async putIfAbsent(key: string, body: string): Promise<string | undefined> {
    return this.publish(
      key,
      (tmp) => writeFile(tmp, body),
      async (tmp, path) => {
        try {
          await link(tmp, path);
          return versionOf(new TextEncoder().encode(body));
        } catch (cause) {
          if (errno(cause) === 'EEXIST') return undefined;
          throw cause;
        }
      },
    );
  }

  async replaceIf(key: string, body: string, version: string): Promise<string | undefined> {
    return this.swap(key, version, async () => {
      await this.put(key, body);
      return versionOf(new TextEncoder().encode(body));
    });
  }

  async deleteIf(key: string, version: string): Promise<boolean> {
    return (await this.swap(key, version, () => rm(this.path(key), { force: true }).then(() => true))) ?? false;
  }

  /**
   * Run `change` only while `key` is at `version`, holding that version's guard: of two writers
   * swapping the same version, the one that creates the guard goes on, the other is told it moved. A
   * guard left by a process killed mid-swap is removed once its process is gone.
   */
  private async swap<T>(key: string, version: string, change: () => Promise<T>): Promise<T | undefined> {
    const path = this.path(key);
    const guard = casGuard(path, version);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(guard, String(process.pid), { flag: 'wx' });
      } catch (cause) {
        if (errno(cause) === 'ENOENT') return undefined;
        if (errno(cause) !== 'EEXIST') throw this.writeError(key, cause);
        const holder = Number(await readFile(guard, 'utf8').catch(() => ''));
        if (holder && !isRunning(holder)) {
          await rm(guard, { force: true });
          continue;
        }
        return undefined;
      }
      try {
        const current = await this.getVersioned(key);
        return current?.version === version ? await change() : undefined;
      } finally {
        await rm(guard, { force: true });
        await this.removeEmpty([dirname(path)]);
      }
    }
    return undefined;
  }

  /**
   * A hard link where the file system allows one (no bytes copied: the site's three copies of a release
   * cost one), else a copy. Sharing the inode is safe: the store never writes a file in place, it
   * replaces it by a rename.
   */
  async copy(from: string, to: string): Promise<void> {
    const source = this.path(from);
    await this.putWith(to, (tmp) =>
      link(source, tmp)
        .catch((cause: NodeJS.ErrnoException) => {
          if (cause.code === 'ENOENT') throw cause;
          return copyFile(source, tmp);
        })
        .catch((cause: NodeJS.ErrnoException) => {
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
      return this.absentOrFail(key, cause);
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
