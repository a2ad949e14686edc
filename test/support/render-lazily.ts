import { isMainThread } from 'node:worker_threads';

/**
 * Loads the chart renderer only when the main thread asks for it: bundled into one file, the renderer's
 * thread then loads a bundle that never initializes the renderer. Prints what the render failed with.
 */
if (isMainThread) {
  const { startChartRenderer } = await import('../../src/core/report/charts/chart-renderer.ts');
  const renderer = startChartRenderer();
  try {
    await renderer.render('one', { data: { values: [] }, mark: 'bar' });
  } catch (error) {
    process.stdout.write(`${(error as Error).message}\n${(error as { hint?: string }).hint}`);
  } finally {
    await renderer.close();
  }
}
