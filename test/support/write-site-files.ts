import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startSiteFolderBuild } from '../../src/adapters/link-site-pointer/site-folder.ts';

/** The local site switch on its own: given files in a new build folder, then the switch (no rendering). */
export async function writeSiteFiles(
  outDir: string,
  files: readonly { path: string; body: string | Uint8Array }[],
  month: string,
) {
  const build = await startSiteFolderBuild(outDir);
  for (const file of files) {
    const path = join(build.dir, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.body);
  }
  await build.switch(month);
}
