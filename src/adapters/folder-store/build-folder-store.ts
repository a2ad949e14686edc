import { link, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FolderObjectStore } from './folder-store.ts';

/**
 * A folder no one reads until it is whole: a site build before its switch (the CLI's site link, the report
 * Lambda's upload), discarded if the build fails. Its objects are written straight to their names, and each
 * of its folders is made once: the folder store's temp file, rename and folder check cost three more
 * file-system calls a file, and a release of 1,000 products is ~18,000 files, each in three copies. A build
 * killed midway leaves a partial file only in a folder that is never switched to.
 *
 * A key that is already there is replaced the folder store's way (a temp file renamed over it): a copy is a
 * hard link sharing its source's inode, so no object is ever written in place.
 */
export class BuildFolderStore extends FolderObjectStore {
  private readonly folders = new Set<string>();

  override async put(key: string, body: Uint8Array | string): Promise<void> {
    if (!(await this.create(key, (path) => writeFile(path, body, { flag: 'wx' })))) await super.put(key, body);
  }

  override async copy(from: string, to: string): Promise<void> {
    const source = this.path(from);
    if (!(await this.create(to, (path) => link(source, path)))) await super.copy(from, to);
  }

  /**
   * Create `key` with `write`, which fails if the file exists. False when it did not: the key is there, its
   * folder went, or the file system said no (no hard links, a full disk) — the folder store's way then
   * replaces it, or reports why it cannot.
   */
  private async create(key: string, write: (path: string) => Promise<void>): Promise<boolean> {
    const path = this.path(key);
    const folder = dirname(path);
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    try {
      await write(path);
      return true;
    } catch {
      this.folders.delete(folder);
      return false;
    }
  }
}
