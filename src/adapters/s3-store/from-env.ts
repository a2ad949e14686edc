import { ENV, optionalEnv, requireEnv } from '../../core/env.ts';
import { S3ObjectStore } from './s3-store.ts';

/** The lake and site buckets of a deployed Lambda, named by the environment the pipeline stack sets. */
export const lakeStoreFromEnv = (): S3ObjectStore =>
  new S3ObjectStore({ bucket: requireEnv(ENV.lakeBucket), prefix: optionalEnv(ENV.lakePrefix) ?? '' });

export const siteStoreFromEnv = (): S3ObjectStore =>
  new S3ObjectStore({ bucket: requireEnv(ENV.siteBucket), prefix: optionalEnv(ENV.sitePrefix) ?? '' });
