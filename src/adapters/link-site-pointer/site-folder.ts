import { randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readlink, rename, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { StoreError, UsageError } from '../../core/errors.ts';
import { isRunning } from '../../core/process-alive.ts';

/**
 * The local site folder, switched in one step. `site` is a symbolic link to a build folder beside it
 * (`.site.build-<pid>-<hex>/`); a build writes a new folder, then replaces the link with one rename
 * of a new link over it — atomic on POSIX file systems, so a reader (a browser on file://,
 * `chainwatch serve`) and a build killed at any point find the old site or the new one, whole. The
 * previous build folder stays until the next build starts (a reader still inside it keeps working),
 * then goes.
 *
 * Only what chainwatch made is ever replaced or removed. Every build folder carries a marker file
 * (`SITE_MARKER`). The site may be: missing; an empty folder; a link to a build folder beside it (a
 * site an earlier chainwatch linked before builds were marked is recognised by that layout, and its
 * build gets the marker); or a folder with the marker (a copied build). Anything else — a folder with
 * other files, a file, a link elsewhere — is refused before anything is touched. Leftovers beside the
 * site are removed only when they are chainwatch's: a marked (or empty) build folder, a link to a
 * build folder, a retired site folder (moved aside once: empty or marked).
 */

/** The marker every build folder carries: chainwatch made this folder and may remove it. */
export const SITE_MARKER = '.chainwatch-site';

const MONTH_DIR = /^\d{4}-\d{2}$/;
type Kind = 'build' | 'link' | 'old';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const leftoverPattern = (target: string) =>
  new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(build|link|old)-((\\d+)-[0-9a-f]+)$`);
const sibling = (target: string, kind: Kind, suffix: string) =>
  join(dirname(target), `.${basename(target)}.${kind}-${suffix}`);

const kindOf = async (path: string): Promise<'link' | 'folder' | 'file' | 'missing'> =>
  lstat(path).then(
    (s) => (s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'folder' : 'file'),
    () => 'missing',
  );

const isMarked = (folder: string): Promise<boolean> =>
  stat(join(folder, SITE_MARKER)).then(
    (s) => s.isFile(),
    () => false,
  );

/** Suffixes of the builds this process is writing now (a warm Lambda builds again in the same process). */
const building = new Set<string>();

/** Whether a leftover's writer may still be using it: a running build of this process, or a live other process. */
const inUse = (pid: number, suffix: string): boolean => (pid === process.pid ? building.has(suffix) : isRunning(pid));

const sample = (names: readonly string[]): string =>
  names
    .slice(0, 3)
    .map((n) => JSON.stringify(n))
    .join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');

const refuse = (target: string, what: string) =>
  new UsageError(
    `${target} is ${what}, so chainwatch will not replace it with the site`,
    'Pass --out a new or empty folder (chainwatch makes it a link to a build folder beside it), or the site folder chainwatch made.',
  );

/**
 * Whether the site at `outDir` is chainwatch's to replace (see the module comment); refuses with what to
 * do when it is not. A linked build an earlier chainwatch made without a marker gets one now.
 */
export async function checkOwnSite(outDir: string): Promise<void> {
  const target = resolve(outDir);
  const kind = await kindOf(target);
  if (kind === 'missing') return;
  if (kind === 'file') throw refuse(target, 'a file');
  if (kind === 'link') {
    const to = await readlink(target);
    const match = leftoverPattern(target).exec(to);
    if (match?.[1] !== 'build' || (await kindOf(join(dirname(target), to))) !== 'folder')
      throw refuse(target, `a link to ${JSON.stringify(to)}, not to a site build chainwatch made beside it`);
    if (!(await isMarked(join(dirname(target), to)))) await writeFile(join(dirname(target), to, SITE_MARKER), '');
    return;
  }
  const entries = await readdir(target);
  if (entries.length > 0 && !(await isMarked(target)))
    throw refuse(target, `a folder chainwatch did not make (it holds ${sample(entries)} and no ${SITE_MARKER})`);
}

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

/**
 * Start a build of the site at `outDir`: check that the site there is chainwatch's, tidy what earlier
 * builds left, then open a new, marked build folder.
 */
export async function startSiteFolderBuild(outDir: string): Promise<SiteFolderBuild> {
  const target = resolve(outDir);
  await checkOwnSite(target);
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
    await writeFile(join(build, SITE_MARKER), '');
  } catch (cause) {
    await discard();
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
          // A plain folder (empty, or a marked copy of a build) cannot be replaced by a rename: move it aside first.
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

/** Whether a dead build's leftover is chainwatch's: a marked or empty folder, or a link to a build folder. */
async function isOwnLeftover(path: string, kind: Kind, pattern: RegExp): Promise<boolean> {
  const is = await kindOf(path);
  if (kind === 'link') return is === 'link' && pattern.exec(await readlink(path))?.[1] === 'build';
  return is === 'folder' && ((await isMarked(path)) || (await readdir(path)).length === 0);
}

/**
 * Tidy what earlier builds left beside the site: if the site is gone (a build died between moving a
 * plain site folder aside and linking the new one), the retired folder goes back; then every build
 * folder the site does not link to, and every other leftover, that no running build is writing and
 * that is chainwatch's own is removed.
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
    const path = join(parent, e.name);
    if (e.name === linked || !(await isOwnLeftover(path, e.match![1] as Kind, pattern))) continue;
    if ((await kindOf(path)) === 'folder' && !(await isMarked(path))) await rmdir(path);
    else await rm(path, { recursive: true, force: true });
  }
}
