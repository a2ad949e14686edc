import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestStep } from './ingest-step.ts';
import { metricsStep } from './metrics-step.ts';
import { FolderObjectStore } from '../adapters/folder-store/folder-store.ts';
import { collectExamples, renderColumnReference } from './column-reference.ts';

/**
 * Regenerate the committed `docs/columns.md` from the schemas, with example values from a lake
 * built from the bundled data in a temporary folder:  npx tsx src/cli/write-column-reference.ts
 */
export const COLUMN_REFERENCE_FILE = fileURLToPath(new URL('../../docs/columns.md', import.meta.url));

export async function bundledColumnReference(lakeDir: string): Promise<string> {
  return renderColumnReference(await collectExamples(new FolderObjectStore(lakeDir)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = await mkdtemp(join(tmpdir(), 'chainwatch-columns-'));
  try {
    const lakeDir = join(dir, 'lake');
    await ingestStep({ lake: lakeDir, outDir: join(dir, 'site') });
    await metricsStep({ lake: lakeDir, outDir: join(dir, 'site') });
    await writeFile(COLUMN_REFERENCE_FILE, await bundledColumnReference(lakeDir));
    console.log(`wrote ${COLUMN_REFERENCE_FILE}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
