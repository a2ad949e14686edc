/**
 * The ingest sources chainwatch knows, named once: the bundled data and the live APIs. The CLI's
 * options, the ingest handler's event check and the CDK app (one Lambda per source) read this list.
 */
export const BUNDLED_SOURCE = 'bundled';
export const LIVE_SOURCES = ['comtrade', 'census', 'usgs'] as const;
export type LiveSourceId = (typeof LIVE_SOURCES)[number];
export const INGEST_SOURCES = [BUNDLED_SOURCE, ...LIVE_SOURCES] as const;
export type IngestSourceId = (typeof INGEST_SOURCES)[number];
/** Sources that take an API key (from the environment locally, from an SSM SecureString in AWS). */
export const KEYED_SOURCES = ['comtrade', 'census'] as const satisfies readonly LiveSourceId[];
export type KeyedSource = (typeof KEYED_SOURCES)[number];

export const isIngestSource = (name: string): name is IngestSourceId =>
  (INGEST_SOURCES as readonly string[]).includes(name);
