import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.ts';
import { S3ObjectStore } from '../../src/store/s3-store.ts';
import { buildSite, type BuildSummary } from '../../reports/build-site.ts';
import { publishSite, type PublishSummary } from '../../reports/publish-site.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`Environment variable ${name} is not set`, `Set ${name} on the report Lambda (the pipeline stack does).`);
  return value;
}

/**
 * Report step in AWS: build the site from the lake bucket into the Lambda's /tmp, then publish it to
 * the site bucket (pages before index.html, stale files removed). The stylesheet ships beside the
 * bundle as assets/site.css.
 */
export async function handler(): Promise<BuildSummary & PublishSummary> {
  const lake = new S3ObjectStore({ bucket: env('LAKE_BUCKET'), prefix: process.env.LAKE_PREFIX ?? '' });
  const site = new S3ObjectStore({ bucket: env('SITE_BUCKET'), prefix: process.env.SITE_PREFIX ?? '' });
  const outDir = join(tmpdir(), 'chainwatch-site');
  const log = (line: string) => console.log(line);
  const built = await buildSite({ store: lake, outDir, onProgress: log });
  const published = await publishSite(outDir, site, log);
  return { ...built, ...published };
}
