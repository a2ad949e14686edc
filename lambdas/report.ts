import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { ENV, optionalEnv, requireEnv } from '../src/core/env.ts';
import { redactingLog } from '../src/core/log.ts';
import { AthenaQueryEngine } from '../src/adapters/athena-engine/athena-engine.ts';
import { BuildFolderStore } from '../src/adapters/folder-store/build-folder-store.ts';
import { lakeStoreFromEnv, siteStoreFromEnv } from '../src/adapters/s3-store/from-env.ts';
import { buildSite, type BuildSummary } from '../src/core/report/build-site.ts';
import { KvsSitePointer } from '../src/adapters/kvs-site-pointer/kvs-site-pointer.ts';
import { liveSite, publishSite, type PublishSummary } from '../src/core/report/publish-site.ts';
import { RUN_METRIC } from '../src/core/operator-metrics.ts';
import { emitMetric, observed } from './operator.ts';
import type { QueryEngine } from '../src/core/seams/query-engine.ts';

/** What the Lambda runtime does not let tests reach: the KeyValueStore API and Athena's SQL, which have no local emulator. */
export interface ReportDeps {
  kvsClient?: CloudFrontKeyValueStoreClient;
  /** The engine the pages' rows come from; default Athena over the lake's Glue tables. */
  engine?: QueryEngine;
  /** Where the site is built before it is published; default a fresh folder under /tmp, removed afterwards. */
  workDir?: string;
}

/**
 * Report step in AWS: build this month's release into /tmp, every page's rows asked of Athena and the
 * earlier releases read from the live build; publish it as a new build and switch the site's pointer.
 * The stylesheet and the SQL (sql/metrics/, sql/report/) ship beside the bundle.
 */
export async function publishReport(
  deps: ReportDeps = {},
  log: (line: string) => void = redactingLog(),
): Promise<BuildSummary & PublishSummary> {
  const lake = lakeStoreFromEnv();
  const site = siteStoreFromEnv();
  const pointer = new KvsSitePointer(requireEnv(ENV.siteKvsArn), deps.kvsClient);
  const engine =
    deps.engine ??
    new AthenaQueryEngine({
      workgroup: requireEnv(ENV.athenaWorkgroup),
      database: requireEnv(ENV.glueDatabase),
      lakeBucket: lake.bucket,
      lakePrefix: lake.prefix,
      store: lake,
    });
  // A warm Lambda keeps /tmp: a folder this call made is removed when it is done.
  const workDir = deps.workDir ?? (await mkdtemp(join(tmpdir(), 'chainwatch-report-')));
  try {
    const live = await pointer.read();
    const out = new BuildFolderStore(join(workDir, 'site'));
    // The CloudFront domain the pipeline stack passes: citations and feeds carry absolute URLs.
    const built = await buildSite({
      engine,
      store: lake,
      out,
      archive: liveSite(site, live),
      baseUrl: optionalEnv(ENV.siteUrl),
      onProgress: log,
    });
    const published = await publishSite(out, site, pointer, { live, onProgress: log });
    return { ...built, ...published };
  } finally {
    if (!deps.engine) await engine.close();
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
