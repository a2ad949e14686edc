import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.ts';
import { redactingLog } from '../../src/log.ts';
import { S3ObjectStore } from '../../src/store/s3-store.ts';
import { buildSite, type BuildSummary } from '../../reports/build-site.ts';
import { publishSite, type PublishSummary } from '../../reports/publish-site.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`Environment variable ${name} is not set`, `Set ${name} on the report Lambda (the pipeline stack does).`);
  return value;
}

/**
 * Report step in AWS: build this month's release from the lake bucket into the Lambda's /tmp,
 * reading the earlier releases (for "what changed") from the site bucket, then publish it there
 * (pages before index.html; files of this release that are gone removed; earlier months untouched).
 * The stylesheet ships beside the bundle as assets/site.css; the metric SQL as sql/metrics/.
 */
export async function handler(): Promise<BuildSummary & PublishSummary> {
  const lake = new S3ObjectStore({ bucket: env('LAKE_BUCKET'), prefix: process.env.LAKE_PREFIX ?? '' });
  const site = new S3ObjectStore({ bucket: env('SITE_BUCKET'), prefix: process.env.SITE_PREFIX ?? '' });
  const outDir = join(tmpdir(), 'chainwatch-site');
  const log = redactingLog();
  // A warm Lambda keeps /tmp: start from nothing, so the upload is exactly this build (earlier releases come from the bucket).
  await rm(outDir, { recursive: true, force: true });
  const built = await buildSite({ store: lake, outDir, archive: site, onProgress: log });
  const published = await publishSite(outDir, site, log);
  return { ...built, ...published };
}
