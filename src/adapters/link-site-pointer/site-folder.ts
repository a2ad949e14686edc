import { randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { StoreError } from '../../core/errors.ts';

/**
 * The local site folder, switched in one step. `site` is a symbolic link to a build folder beside it
 * (`.site.build-<pid>-<hex>/`); a build writes a new folder, then replaces the link with one rename
 * of a new link over it — atomic on POSIX file systems, so a reader (a browser on file://,
 * `chainwatch serve`) and a build killed at any point find the old site or the new one, whole. The
 * previous build folder stays until the next build starts (a reader still inside it keeps working),
 * then goes. A `site` that is still a plain folder (written before builds were linked) is moved aside
 * once; `recoverSiteFolder` puts it back if a build dies in between.
 */

const MONTH_DIR = /^\d{4}-\d{2}$/;
type Kind = 'build' | 'link' | 'tmp' | 'old';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const leftoverPattern = (target: string) =>
  new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(build|link|tmp|old)-((\\d+)-[0-9a-f]+)$`);
const sibling = (target: string, kind: Kind, suffix: string) =>
  join(dirname(target), `.${basename(target)}.${kind}-${suffix}`);

const kindOf = async (path: string): Promise<'link' | 'folder' | 'missing'> =>
  lstat(path).then(
    (s) => (s.isSymbolicLink() ? 'link' : 'folder'),
    () => 'missing',
  );

/** Suffixes of the builds this process is writing now (a warm Lambda builds again in the same process). */
const building = new Set<string>();

/** Whether a leftover's writer may still be using it: a running build of this process, or a live other process. */
const inUse = (pid: number, suffix: string): boolean => {
  if (pid === process.pid) return building.has(suffix);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A site build being written into its own folder beside the site; nothing reads it until `switch`. */
export interface SiteFolderBuild {
  /** The build folder: the report writes its files here. */
  readonly dir: string;
  /**
   * Copy the earlier releases of the current site into the build (every month but `month`, which
   * this build rewrites), then switch the site to it with one rename. On failure the build is removed
   * and the previous site is exactly as it was.
   */
  switch(month: string): Promise<void>;
  /** Remove the build folder (the build failed before its switch). */
  discard(): Promise<void>;
}

const siteError = (target: string, cause: unknown) =>
  new StoreError(
    `Could not write the site to ${target}: ${(cause as Error).message}`,
    'Check that the folder and its parent are writable; the previous site is unchanged.',
    { cause },
  );

/** Start a build of the site at `outDir`: tidy what earlier builds left, then open a new build folder. */
export async function startSiteFolderBuild(outDir: string): Promise<SiteFolderBuild> {
  const target = resolve(outDir);
  await recoverSiteFolder(target);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const build = sibling(target, 'build', suffix);
  const link = sibling(target, 'link', suffix);
  building.add(suffix);
  const discard = async () => {
    await rm(link, { force: true });
    await rm(build, { recursive: true, force: true });
    building.delete(suffix);
  };
  try {
    await mkdir(build, { recursive: true });
  } catch (cause) {
    building.delete(suffix);
    throw siteError(target, cause);
  }
  return {
    dir: build,
    discard,
    async switch(month: string) {
      try {
        const current = await kindOf(target);
        // Earlier months are copied, never moved: the live site keeps them whatever happens to this build.
        const earlier =
          current === 'missing'
            ? []
            : (await readdir(join(target, 'releases')).catch(() => [] as string[])).filter(
                (m) => MONTH_DIR.test(m) && m !== month,
              );
        for (const m of earlier) await cp(join(target, 'releases', m), join(build, 'releases', m), { recursive: true });
        await symlink(basename(build), link, 'dir');
        if (current === 'folder') {
          // A plain folder cannot be replaced by a rename: move it aside first (once per site folder).
          const retired = sibling(target, 'old', suffix);
          await rename(target, retired);
          await rename(link, target);
          await rm(retired, { recursive: true, force: true });
        } else {
          await rename(link, target);
        }
        building.delete(suffix);
      } catch (cause) {
        await discard();
        throw siteError(target, cause);
      }
    },
  };
}

/**
 * Tidy what earlier builds left beside the site: if the site is gone (a build died between moving a
 * plain site folder aside and linking the new one), the retired folder goes back; then every build
 * folder the site does not link to, and every other leftover, that no running build is writing is removed.
 */
export async function recoverSiteFolder(target: string): Promise<void> {
  const parent = dirname(target);
  const pattern = leftoverPattern(target);
  const entries = (await readdir(parent).catch(() => [] as string[]))
    .map((name) => ({ name, match: pattern.exec(name) }))
    .filter((e) => e.match);
  const dead = entries.filter((e) => !inUse(Number(e.match![3]), e.match![2]));
  const retired = dead.find((e) => e.match![1] === 'old');
  if (retired && (await kindOf(target)) === 'missing') await rename(join(parent, retired.name), target);
  const linked = (await kindOf(target)) === 'link' ? basename(await readlink(target)) : undefined;
  for (const e of dead) {
    if (e.name === linked || (e === retired && (await kindOf(join(parent, e.name))) === 'missing')) continue;
    await rm(join(parent, e.name), { recursive: true, force: true });
  }
}
