import { isMainThread } from 'node:worker_threads';
import { startChartRenderer } from '../../src/core/report/charts/chart-renderer.ts';
// The report handler's module, for what it does when loaded: the thread loads the whole bundle, so a handler
// module must do nothing at load that fails or acts outside the main thread.
import '../../lambdas/report.ts';

/**
 * Draws one chart through the chart renderer's thread and prints the SVG: bundled into one file with the
 * report handler, as the Lambda's code is, it shows the thread runs from the very bundle that started it.
 * The bundle is the thread's entry too, so only the main thread draws.
 */
if (isMainThread) {
  const renderer = startChartRenderer();
  try {
    process.stdout.write(
      await renderer.render('one', {
        description: 'One bar',
        data: { values: [{ k: 'a', v: 1 }] },
        mark: 'bar',
        encoding: { x: { field: 'k', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
      }),
    );
  } finally {
    await renderer.close();
  }
}
