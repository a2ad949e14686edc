import { UsageError } from './errors.ts';
import type { KeyedSource } from './sources.ts';

/**
 * Every environment variable chainwatch reads, named once: the Lambda handlers read them, the CDK
 * app sets them on each function, the CLI and the tests set or read the same names.
 */
export const ENV = {
  lakeBucket: 'LAKE_BUCKET',
  lakePrefix: 'LAKE_PREFIX',
  siteBucket: 'SITE_BUCKET',
  sitePrefix: 'SITE_PREFIX',
  siteKvsArn: 'SITE_KVS_ARN',
  /** The site's public address (the CloudFront domain, set by the pipeline stack; `--base-url` locally): citations and feeds carry absolute URLs. */
  siteUrl: 'CHAINWATCH_SITE_URL',
  athenaWorkgroup: 'ATHENA_WORKGROUP',
  glueDatabase: 'GLUE_DATABASE',
  /** The refresh state machine, whose last success the watchdog dates. */
  stateMachineArn: 'STATE_MACHINE_ARN',
  /** Read by Powertools in the Lambdas: the operator metrics' namespace and `service` dimension (src/core/operator-metrics.ts). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** The Lambda runtime's task root: where the bundle and the files shipped beside it are. */
  taskRoot: 'LAMBDA_TASK_ROOT',
  /** `query --engine athena` defaults. */
  cliLake: 'CHAINWATCH_LAKE',
  cliWorkgroup: 'CHAINWATCH_WORKGROUP',
  cliDatabase: 'CHAINWATCH_DATABASE',
  /** The user's state folder (XDG Base Directory); `chainwatch shell` keeps its history there. */
  xdgStateHome: 'XDG_STATE_HOME',
  /** DuckDB's memory limit in a local report build, per session (REPORT_MEMORY_DEFAULT unless set): the rows of a page family spill past it to disk. */
  reportMemory: 'CHAINWATCH_REPORT_MEMORY',
  /** Print the stack of an unexpected failure. */
  debug: 'CHAINWATCH_DEBUG',
  /**
   * A build of src/ with the CLI's build options (scripts/build.mjs), for code run from the TypeScript
   * sources: a module thread runs its module's compiled copy from there (src/core/module-thread.ts). The
   * test setup builds one per run (test/support/thread-build.ts).
   */
  threadBuild: 'CHAINWATCH_THREAD_BUILD',
  /** A live source's API key, given directly (local runs)… */
  apiKey: (source: KeyedSource) => `${source.toUpperCase()}_API_KEY`,
  /** …or the name of the SSM SecureString parameter that holds it (the Lambda). */
  apiKeyParameter: (source: KeyedSource) => `${source.toUpperCase()}_API_KEY_PARAM`,
} as const;

/** The report build's DuckDB memory limit when ENV.reportMemory is not set (bench/analysis.md: why 64 MB). */
export const REPORT_MEMORY_DEFAULT = '64MB';

/** What to do when DuckDB runs out of the session's memory: the variable a report build reads. */
export const REPORT_MEMORY_HINT = `DuckDB reached the session's memory limit; a report build's is ${ENV.reportMemory} (default ${REPORT_MEMORY_DEFAULT}): set it higher, e.g. ${ENV.reportMemory}=256MB.`;

export type Env = Record<string, string | undefined>;

/** A variable the process cannot run without; the error names it and who sets it. */
export function requireEnv(name: string, env: Env = process.env): string {
  const value = env[name];
  if (!value) {
    throw new UsageError(
      `Environment variable ${name} is not set`,
      `Set ${name}; on a deployed Lambda the pipeline stack sets it (redeploy with "npx cdk deploy").`,
    );
  }
  return value;
}

export const optionalEnv = (name: string, env: Env = process.env): string | undefined => env[name] || undefined;
