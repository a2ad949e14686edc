import { parentPort } from 'node:worker_threads';
import { ChainwatchError, UsageError } from '../core/errors.ts';
import { startModuleThread, threadRole } from '../core/module-thread.ts';
import type { BuildSummary } from '../core/report/build-site.ts';

/**
 * The CLI's report build runs in a thread of its own, for its young generation: the build's thread reads
 * rows and writes pages at a fast rate, and at V8's default young generation (fixed for the main thread
 * when node starts) its heap held ~30 MB more than at 8 MB, at the same speed (bench/analysis.md). The
 * main thread only starts it and prints its progress; the lake's lock stays with the main thread.
 */
const ROLE = 'chainwatch-report-build';
const BUILD_YOUNG_GENERATION_MB = 8;

export interface ReportBuildRequest {
  lake: string;
  outDir: string;
  baseUrl?: string;
}

type Failure = { name: string; message: string; hint?: string; stack?: string };
type BuildMessage = { progress: string } | { summary: BuildSummary } | { failure: Failure };

/** The build's error as the main thread rethrows it: the same message, hint and (for usage errors) exit code. */
function rethrown({ name, message, hint, stack }: Failure): Error {
  if (hint === undefined) return Object.assign(new Error(message), { stack });
  const error = name === UsageError.name ? new UsageError(message, hint) : new ChainwatchError(message, hint);
  error.name = name;
  return error;
}

/** Build the site folder from the folder lake in the report's thread; its progress lines go to `onProgress`. */
export function buildSiteInThread(
  request: ReportBuildRequest,
  onProgress: (line: string) => void,
): Promise<BuildSummary> {
  const thread = startModuleThread(import.meta.url, {
    role: ROLE,
    youngGenerationMb: BUILD_YOUNG_GENERATION_MB,
    data: request,
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (!settled) outcome();
      settled = true;
    };
    thread.on('message', (message: BuildMessage) => {
      if ('progress' in message) onProgress(message.progress);
      else if ('summary' in message) settle(() => resolve(message.summary));
      else settle(() => reject(rethrown(message.failure)));
    });
    thread.on('error', (cause) => settle(() => reject(cause)));
    thread.on('exit', (code) =>
      settle(() =>
        reject(
          new ChainwatchError(
            `The report build's thread ended (exit code ${code}) before the build finished`,
            'The published site is unchanged. If the machine ran out of memory, free some and run the report again.',
          ),
        ),
      ),
    );
  });
}

/** The thread's side: the local publish (buildSiteFolder), its outcome posted back. */
async function serveBuild(port: NonNullable<typeof parentPort>, request: ReportBuildRequest): Promise<void> {
  const post = (message: BuildMessage) => port.postMessage(message);
  try {
    const [{ FolderObjectStore }, { buildSiteFolder }] = await Promise.all([
      import('../adapters/folder-store/folder-store.ts'),
      import('./site-folder-build.ts'),
    ]);
    const summary = await buildSiteFolder({
      store: new FolderObjectStore(request.lake),
      outDir: request.outDir,
      baseUrl: request.baseUrl,
      onProgress: (line) => post({ progress: line }),
    });
    post({ summary });
  } catch (error) {
    const { name, message, stack } = error as Error;
    post({ failure: { name, message, stack, hint: error instanceof ChainwatchError ? error.hint : undefined } });
  }
}

const role = threadRole();
if (parentPort && role?.role === ROLE) void serveBuild(parentPort, role.data as ReportBuildRequest);
