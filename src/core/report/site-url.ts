import { UsageError } from '../errors.ts';

/**
 * The site's public address (`https://d111.cloudfront.net/`), when the build is told it: a citation
 * and a feed then carry absolute URLs a reader can paste anywhere. A build cannot find it out by
 * itself (the same files are served from CloudFront, `chainwatch serve` or a disk), so without it
 * they carry addresses from the site root and say so.
 */
export type SiteUrl = string | null;

/** The base URL as given (CLI `--base-url`, or the env var the CDK stack sets), checked: absolute http(s), ending in "/". */
export function siteUrl(value: string | undefined): SiteUrl {
  if (value === undefined || value.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(
      `The site base URL "${value}" is not an absolute URL`,
      'Give the address the site is served at, e.g. --base-url https://d111111abcdef8.cloudfront.net/',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`The site base URL "${value}" is not http(s)`, 'Give an https:// address.');
  if (url.search || url.hash)
    throw new UsageError(`The site base URL "${value}" has a query or fragment`, 'Give the bare site address.');
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** A path from the site root as a reader can reach it: absolute under the base URL, else as it is. */
export const siteAddress = (base: SiteUrl, path: string): string => (base ? base + path : path);
