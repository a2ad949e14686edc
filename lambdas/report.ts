import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudFrontKeyValueStoreClient } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { UsageError } from '../src/core/errors.ts';
import { redactingLog } from '../src/core/log.ts';
import { S3ObjectStore } from '../src/adapters/s3-store/s3-store.ts';
import { buildSite, type BuildSummary } from '../src/core/report/build-site.ts';
import { KvsSitePointer } from '../src/adapters/kvs-site-pointer/kvs-site-pointer.ts';
import { liveSite, publishSite, type PublishSummary } from '../src/core/report/publish-site.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new UsageError(
      `Environment variable ${name} is not set`,
      `Set ${name} on the report Lambda (the pipeline stack does).`,
    );
  return value;
}

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
export async function publishReport(deps: ReportDeps = {}): Promise<BuildSummary & PublishSummary> {
  const lake = new S3ObjectStore({ bucket: env('LAKE_BUCKET'), prefix: process.env.LAKE_PREFIX ?? '' });
  const site = new S3ObjectStore({ bucket: env('SITE_BUCKET'), prefix: process.env.SITE_PREFIX ?? '' });
  const pointer = new KvsSitePointer(env('SITE_KVS_ARN'), deps.kvsClient);
  // A folder of this invocation's own, so the upload is exactly this build (earlier releases come from
  // the bucket); a warm Lambda keeps /tmp, so a folder this call made is removed when it is done.
  const workDir = deps.workDir ?? (await mkdtemp(join(tmpdir(), 'chainwatch-report-')));
  const outDir = join(workDir, 'site');
  const log = redactingLog();
  try {
    const live = await pointer.read();
    const built = await buildSite({ store: lake, outDir, archive: liveSite(site, live), onProgress: log });
    const published = await publishSite(outDir, site, pointer, { live, onProgress: log });
    return { ...built, ...published };
  } finally {
    if (!deps.workDir) await rm(workDir, { recursive: true, force: true });
  }
}

export const handler = (): Promise<BuildSummary & PublishSummary> => publishReport();
