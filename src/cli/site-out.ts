import { realpathSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.ts';

/** Folders the site must never replace, by what they are to the user. */
export interface GuardedFolders {
  /** The lake (a folder; an `s3://` lake is not on this disk). */
  lake?: string;
  data: string;
  checkout: string;
  home: string;
}

/** A path with every link resolved, as far as it exists (`--out` itself usually does not yet). */
function real(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync.native(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : resolve(real(parent), relative(parent, absolute));
  }
}

/** Whether `inner` is `outer` or a folder inside it. */
const within = (inner: string, outer: string): boolean => {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
};

/**
 * `--out` becomes a link to a build folder beside it, and the folder that was there is replaced: it
 * must not be (or be above) the checkout, the lake, the data folder or the home folder, nor inside the
 * lake. Refused before anything is read or written.
 */
export function checkSiteOut(out: string, guarded: GuardedFolders): void {
  const target = real(out);
  const named: [string, string | undefined][] = [
    ['the chainwatch checkout', guarded.checkout],
    ['your home folder', guarded.home],
    ['the lake', guarded.lake],
    ['the data folder', guarded.data],
  ];
  for (const [what, folder] of named) {
    if (folder === undefined) continue;
    const guardedPath = real(folder);
    if (within(guardedPath, target)) {
      throw new UsageError(
        `--out ${out} is ${target === guardedPath ? what : `a folder above ${what} (${guardedPath})`}: the site would replace it`,
        'Pass --out a folder of its own for the site, e.g. --out site (the default).',
      );
    }
  }
  if (guarded.lake !== undefined && within(target, real(guarded.lake))) {
    throw new UsageError(
      `--out ${out} is inside the lake ${guarded.lake}: the site's build folders would land among the lake's files`,
      'Pass --out a folder outside the lake, e.g. --out site (the default).',
    );
  }
}
