import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { ChainwatchError } from '../../errors.ts';
import { startModuleThread, threadRole } from '../../module-thread.ts';
import { ChartError } from './chart.ts';

/**
 * Charts render in a thread of their own: Vega's compile, parse and SVG writing are most of a build's
 * time, and in their own thread they run while the build's thread reads the next pages' rows, writes
 * pages and files. Only that thread loads Vega. The thread's entry is this very module (it serves when
 * loaded with the role below), so the same file works from the sources, from the CLI's bundled chunks
 * and from a Lambda's single-file bundle. A single-file bundle must load this module when it loads (a
 * static import, as lambdas/report.ts has through build-site.ts) and do nothing else at load outside
 * the main thread; else its thread ends at once and the build fails with "The chart renderer stopped".
 */
const ROLE = 'chainwatch-chart-renderer';

/**
 * The thread's young generation. Drawing a chart allocates fast and keeps little; 16 MB held a 1 M-row
 * build ~50 MB lower than V8's default at about the same time, 8 MB ~10 % slower (bench/analysis.md).
 */
const RENDERER_YOUNG_GENERATION_MB = 16;

interface RenderRequest {
  seq: number;
  id: string;
  spec: TopLevelSpec;
}
type RenderReply = { seq: number; svg: string } | { seq: number; error: { message: string; hint: string } };
/** The thread's first message: it is serving. */
const SERVING = 'serving';

/** Draws charts to SVG (renderChartSvg's output) away from the caller's thread, in the order asked. */
export interface ChartRenderer {
  render(id: string, spec: TopLevelSpec): Promise<string>;
  /** Stop the thread; renders still pending fail. */
  close(): Promise<void>;
}

const closedError = () =>
  new ChartError('The chart renderer was closed with charts still to draw', 'Wait for every chart first.');

export function startChartRenderer(): ChartRenderer {
  const worker = startModuleThread(import.meta.url, { role: ROLE, youngGenerationMb: RENDERER_YOUNG_GENERATION_MB });
  const pending = new Map<number, { resolve: (svg: string) => void; reject: (error: Error) => void }>();
  let next = 0;
  let stopped: Error | undefined;
  const stop = (error: Error) => {
    stopped ??= error;
    for (const { reject } of pending.values()) reject(stopped);
    pending.clear();
  };
  let serving = false;
  worker.on('message', (reply: RenderReply | typeof SERVING) => {
    if (reply === SERVING) {
      serving = true;
      return;
    }
    const waiting = pending.get(reply.seq);
    pending.delete(reply.seq);
    if ('svg' in reply) waiting?.resolve(reply.svg);
    else waiting?.reject(new ChartError(reply.error.message, reply.error.hint));
  });
  worker.on('error', (cause) =>
    stop(
      new ChartError(
        `The chart renderer failed: ${cause.message}`,
        'This is a bug in chainwatch’s report builder; report it with this message.',
        { cause },
      ),
    ),
  );
  worker.on('exit', (code) =>
    stop(
      serving
        ? new ChartError(
            `The chart renderer stopped (exit code ${code}) with charts still to draw`,
            'If the machine ran out of memory, free some and run the build again.',
          )
        : new ChartError(
            `The chart renderer's thread ended before it served (exit code ${code}): the code that started it did not load chart-renderer.ts as it loaded`,
            'A single-file bundle must import src/core/report/charts/chart-renderer.ts statically (lambdas/report.ts does, through build-site.ts); this is a bug in how chainwatch was bundled.',
          ),
    ),
  );
  return {
    render(id, spec) {
      if (stopped) return Promise.reject(stopped);
      const seq = next++;
      const request: RenderRequest = { seq, id, spec };
      return new Promise<string>((resolve, reject) => {
        pending.set(seq, { resolve, reject });
        worker.postMessage(request);
      });
    },
    async close() {
      stop(closedError());
      await worker.terminate();
    },
  };
}

/**
 * A renderer whose thread starts at the first chart asked for. A build reads its model and runs the
 * product pages' queries first, and the largest of those sorts (every supplier of every product) held the
 * memory it may use beside Vega's heap at start-up: the build's peak at 10M trade rows (bench/analysis.md).
 */
export function chartRendererAtFirstChart(start: () => ChartRenderer = startChartRenderer): ChartRenderer {
  let started: ChartRenderer | undefined;
  let closed = false;
  return {
    render: (id, spec) => {
      // Closed before its first chart: no thread to start (nothing would ever end it).
      if (closed && !started) return Promise.reject(closedError());
      started ??= start();
      return started.render(id, spec);
    },
    close: async () => {
      closed = true;
      await started?.close();
    },
  };
}

/**
 * The thread's side: one chart at a time, in the order asked (Vega's SVG def ids are a global counter
 * that each render restarts, so two renders must not interleave).
 */
function serveRenders(port: NonNullable<typeof parentPort>): void {
  const renderer = import('./render.ts');
  let queue = Promise.resolve();
  port.on('message', ({ seq, id, spec }: RenderRequest) => {
    queue = queue.then(async () => {
      let reply: RenderReply;
      try {
        reply = { seq, svg: await (await renderer).renderChartSvg(id, spec) };
      } catch (error) {
        const known = error instanceof ChainwatchError;
        reply = {
          seq,
          error: {
            message: known ? error.message : `Chart ${id} could not be rendered: ${(error as Error).message}`,
            hint: known ? error.hint : 'This is a bug in the chart module; report it with the chart id.',
          },
        };
      }
      port.postMessage(reply);
    });
  });
  port.postMessage(SERVING);
}

if (parentPort && threadRole()?.role === ROLE) serveRenders(parentPort);
