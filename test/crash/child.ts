/**
 * The process the crash tests kill. It imports only what its step needs, so it starts fast, and it
 * runs exactly what the CLI runs for that step, on a folder lake:
 *
 *   ingest <lake> <data-dir> <run-id> [<kill-before-put regex> <nth>]   the bundled ingest (runIngest)
 *   report <lake> <site-dir> <release-month>                            the report build (buildSite)
 *   publish - <site-dir> <release-month> <rendered-dir>                 only its last step: the site folder
 *                                                                       switch (startSiteFolderBuild) of the files
 *                                                                       rendered into <rendered-dir>
 *   publish-build - <site-dir> <bucket-dir>                             the report Lambda's publish (publishSite) of a
 *                                                                       built site into <bucket-dir>/site as a new
 *                                                                       build, switching <bucket-dir>/pointer
 *   metric-version <lake> <s3-endpoint|-> <generation> [<nth>]         one metric table version written and switched
 *                                                                       (publishMetricVersion) as both engines do: three
 *                                                                       files of rows marked with <generation>, in a
 *                                                                       folder lake or s3://bucket/prefix on moto; killed
 *                                                                       before its nth write (put or delete) if given
 *
 * It prints "start" when the step begins (the tests time their kills from there) and the step's own
 * progress lines. Clocks are fixed so that the same inputs give the same bytes.
 */
import { FolderObjectStore } from '../../src/adapters/folder-store/folder-store.ts';
import { killBeforePut, killBeforeWrite } from './hooked-store.ts';

const [mode, lake, target, third, killPattern, killNth] = process.argv.slice(2);
const log = (line: string) => console.log(line);

if (mode === 'ingest') {
  const { runIngest } = await import('../../src/core/ingest/ingest.ts');
  const lakeStore = new FolderObjectStore(lake);
  const store = killPattern ? killBeforePut(lakeStore, new RegExp(killPattern), Number(killNth)) : lakeStore;
  log('start');
  await runIngest({ store, runId: third, dataDir: target, now: new Date('2026-03-01T06:00:00Z'), onProgress: log });
  log('done');
} else if (mode === 'report') {
  const { buildSiteFolder } = await import('../../src/cli/site-folder-build.ts');
  log('start');
  await buildSiteFolder({
    store: new FolderObjectStore(lake),
    outDir: target,
    builtAt: new Date('2026-03-15T00:00:00Z'),
    releaseMonth: third,
    onProgress: log,
  });
  log('done');
} else if (mode === 'publish') {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join, relative, sep } = await import('node:path');
  const { writeSiteFiles } = await import('../support/write-site-files.ts');
  // Every rendered file, read before the step starts, in path order.
  const entries = await readdir(killPattern, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const full = join(e.parentPath, e.name);
        return { path: relative(killPattern, full).split(sep).join('/'), body: await readFile(full) };
      }),
  );
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  log('start');
  await writeSiteFiles(target, files, third);
  log('done');
} else if (mode === 'publish-build') {
  const { publishSite } = await import('../../src/core/report/publish-site.ts');
  const { siteBucket } = await import('./site-bucket.ts');
  const { store, pointer } = siteBucket(third);
  log('start');
  await publishSite(new FolderObjectStore(target), store, pointer, { onProgress: log });
  log('done');
} else if (mode === 'metric-version') {
  const { publishMetricVersion } = await import('../../src/core/lake/metric-versions.ts');
  const { generationFiles, METRIC_UNDER_TEST } = await import('./metric-generations.ts');
  let store = new FolderObjectStore(lake);
  if (lake.startsWith('s3://')) {
    const { S3ObjectStore } = await import('../../src/adapters/s3-store/s3-store.ts');
    const { s3ClientFor } = await import('../support/moto.ts');
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(lake)!;
    store = new S3ObjectStore({ bucket, prefix, client: s3ClientFor(target) }) as unknown as FolderObjectStore;
  }
  const writer = killPattern ? killBeforeWrite(store, Number(killPattern)) : store;
  log('start');
  await publishMetricVersion(writer, METRIC_UNDER_TEST, async (prefix) => {
    const keys: string[] = [];
    for (const [i, body] of generationFiles(Number(third)).entries()) {
      keys.push(`${prefix}part-${i}.parquet`);
      await writer.put(keys[i], body);
    }
    return { rows: 6, keys };
  });
  log('done');
} else {
  throw new Error(`child.ts: unknown mode ${mode}; use ingest, report, publish, publish-build or metric-version`);
}
