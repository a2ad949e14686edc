import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';

/** Before a query runs: `--out` must name a file (new or to replace) in a folder that exists. */
export async function checkOutFile(path: string): Promise<void> {
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory())
    throw new UsageError(`--out ${path} is a folder`, `Name a file in it, e.g. --out ${path}/result.csv.`);
  const folder = dirname(resolve(path));
  const parent = await stat(folder).catch(() => undefined);
  if (!parent)
    throw new UsageError(
      `The folder of --out ${path} does not exist (${folder})`,
      `Create it first (mkdir -p ${JSON.stringify(folder)}) or write the file elsewhere.`,
    );
  if (!parent.isDirectory())
    throw new UsageError(`${folder} (the folder of --out) is a file`, 'Pass another --out path.');
}

export async function writeOutFile(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(path, data).catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError(
      `Cannot write ${path}: ${cause.code ?? cause.message}`,
      'Check the path and its permissions.',
      {
        cause,
      },
    );
  });
}
