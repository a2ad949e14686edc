import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { ENV, requireEnv } from '../src/core/env.ts';
import { redactingLog } from '../src/core/log.ts';
import { FolderObjectStore } from '../src/adapters/folder-store/folder-store.ts';
import { lakeStoreFromEnv, siteStoreFromEnv } from '../src/adapters/s3-store/from-env.ts';
import { buildSite, type BuildSummary } from '../src/core/report/build-site.ts';
import { KvsSitePointer } from '../src/adapters/kvs-site-pointer/kvs-site-pointer.ts';
import { liveSite, publishSite, type PublishSummary } from '../src/core/report/publish-site.ts';
import { RUN_METRIC } from '../src/core/operator-metrics.ts';
import { emitMetric, observed } from './operator.ts';

/** What the Lambda runtime does not let tests reach: the KeyValueStore API, which has no local emulator. */
export interface ReportDeps {
  kvsClient?: CloudFrontKeyValueStoreClient;
  /** Where the site is built before it is published; default a fresh folder under /tmp, removed afterwards. */
  workDir?: string;
}

/**
 * Report step in AWS: build this month's release from the lake bucket into the Lambda's /tmp,
 * reading the earlier releases (for "what changed") from the build the site serves now, then publish
 * it as a new build in the site bucket and switch the site's KeyValueStore pointer to it (earlier
 * months carried over as published; retired builds removed after the switch).
 * The stylesheet ships beside the bundle as reports/site.css; the metric SQL as sql/metrics/.
 */
export async function publishReport(
  deps: ReportDeps = {},
  log: (line: string) => void = redactingLog(),
): Promise<BuildSummary & PublishSummary> {
  const lake = lakeStoreFromEnv();
  const site = siteStoreFromEnv();
  const pointer = new KvsSitePointer(requireEnv(ENV.siteKvsArn), deps.kvsClient);
  // A folder of this invocation's own, so the upload is exactly this build (earlier releases come from
  // the bucket); a warm Lambda keeps /tmp, so a folder this call made is removed when it is done.
  const workDir = deps.workDir ?? (await mkdtemp(join(tmpdir(), 'chainwatch-report-')));
  const outDir = join(workDir, 'site');
  try {
    const live = await pointer.read();
    const out = new FolderObjectStore(outDir);
    const built = await buildSite({ store: lake, out, archive: liveSite(site, live), onProgress: log });
    const published = await publishSite(out, site, pointer, { live, onProgress: log });
    return { ...built, ...published };
  } finally {
    if (!deps.workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** What the state machine passes: its run id and each source's ingest outcome (a summary, or a failure record). */
export interface ReportEvent {
  runId?: string;
  ingest?: { source: string; status: string }[];
}

export const handler = (event: ReportEvent = {}): Promise<BuildSummary & PublishSummary> =>
  observed('report', { runId: event?.runId ?? 'manual' }, ({ log }) => {
    // Sources this run could not refresh: stale (their last good data kept) or failed outright.
    if (event?.ingest) emitMetric(RUN_METRIC.sourcesStale, {}, event.ingest.filter((s) => s.status !== 'fresh').length);
    return publishReport({}, log);
  });
