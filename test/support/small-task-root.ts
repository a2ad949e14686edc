import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusData } from '../corpus/data-folder.ts';

/**
 * A Lambda task root as the ingest Lambda's asset lays it out (data/bundled, data-schemas/reference), holding
 * the bad-input corpus's small bundled set (4 trade rows) as the bundled data: a handler test that needs an
 * ingest step, not the bundled data's volume, runs it in a fraction of a second against moto. A handler finds
 * its shipped files under LAMBDA_TASK_ROOT when it loads, so the test imports it after setting that.
 * test/system/infra-synth.test.ts ingests the real bundled data from a synthesized asset.
 */
export async function smallTaskRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'chainwatch-task-root-'));
  await corpusData(join(root, 'data', 'bundled'));
  await cp('data-schemas/reference', join(root, 'data-schemas', 'reference'), { recursive: true });
  return root;
}
