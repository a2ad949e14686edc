import { cp } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Write a bundled-data folder at `dir`: the corpus companions and `trade` (a file of test/corpus/bundled/) as the
 * trade mart. It imports nothing of the project: test/support/small-task-root.ts uses it before a handler fixes
 * where the project's files are (LAMBDA_TASK_ROOT).
 */
export async function corpusData(dir: string, trade = 'trade-good.csv'): Promise<string> {
  const bundled = new URL('bundled/', import.meta.url);
  await cp(new URL('_companions/', bundled), dir, { recursive: true });
  await cp(new URL(trade, bundled), join(dir, 'us_imports_by_partner_hs6.csv'));
  return dir;
}
