import { INGEST_SOURCES, LIVE_SOURCES, type LiveSourceId } from '../core/sources.ts';
import { ENV, optionalEnv } from '../core/env.ts';
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { ChainwatchError, UsageError } from '../core/errors.ts';
import { redactingLog } from '../core/log.ts';
import type { CommandIO } from './query.ts';
import { requireFolderLake, type PipelineOptions } from './step-options.ts';
import { COMMAND_HELP } from './command-help.ts';
import { exitQuietlyOnClosedPipe } from './closed-pipe.ts';

/**
 * The CLI's entry: the help text, the options, and a table of commands whose code is loaded only when
 * that command runs. `chainwatch --help` loads this file and nothing heavy; `chainwatch query` loads
 * DuckDB but neither the AWS SDK nor vega; only `report` loads vega.
 */

const HELP = `chainwatch — supply-chain dependence monitor

Usage: chainwatch <command> [options]

Commands:
  run           ingest → metrics → report (the whole pipeline, offline, on bundled data)
  ingest        land a source in the lake: raw/, curated/, quarantine/, _runs/
  refresh       the monthly refresh of the live sources (incremental, idempotent)
  metrics       compute the metric tables (SQL files in sql/metrics/) into metrics/
  report        build the static report site from the lake
  query         ad-hoc SQL on the lake tables (DuckDB; --engine athena for AWS)
  shell         interactive SQL session, every table as a view
  export-views  print DuckDB views of the lake (duckdb -init views.sql)
  serve         preview the built site on http://127.0.0.1 with the CloudFront CSP
  smoke         after a deploy: run the refresh once in AWS and check the site (--stack <pipeline stack>)

Options:
  --lake <dir|s3://bucket/prefix>  the lake (default .lake/; run, metrics and report need a folder).
                       chainwatch writes only to a new or empty folder or a lake it made (it
                       carries _chainwatch-lake.json), one run at a time
  --out <dir>          site output folder (default site/): a new or empty folder, or the site
                       chainwatch made there; never the checkout, the lake, the data or home folder
  --data <dir>         bundled data folder (default data/bundled)
  --base-url <url>     run, report: the site's public address, for absolute URLs in citations
                       and feeds (default $CHAINWATCH_SITE_URL; else addresses from the site root)
  --wait <seconds>     how long to wait for another run writing to the same lake (default 120)
  ingest:  --source bundled|comtrade|census|usgs (default bundled)
           --from <YYYY|YYYY-MM> --to <YYYY|YYYY-MM> --reporters USA,DEU --hs 280530,854231
           --dry-run   print the requests a live source would make; fetch nothing
  refresh: --period <YYYY-MM> (default: two months ago) --sources comtrade,census,usgs --dry-run
  metrics: --force     recompute every table (default: keep a table whose inputs are unchanged)
  -h, --help           show this help; chainwatch <command> --help shows that command's

Live sources read API keys from COMTRADE_API_KEY and CENSUS_API_KEY (optional; never logged).
Exit codes: 0 success, 1 the run failed (reason on stderr), 2 bad usage.`;

/** Commands that parse their own options. */
const ANALYST_COMMANDS: Record<string, (args: string[], io: CommandIO) => Promise<void>> = {
  query: async (args, io) => (await import('./query.ts')).queryCommand(args, io),
  shell: async (args, io) => (await import('./shell.ts')).shellCommand(args, io),
  'export-views': async (args, io) => (await import('./shell.ts')).exportViewsCommand(args, io),
  serve: async (args, io) => (await import('./serve.ts')).serveCommand(args, io),
  smoke: async (args, io) => (await import('./smoke.ts')).smokeCommand(args, io),
};

const OPTIONS = {
  lake: { type: 'string', default: '.lake' },
  out: { type: 'string', default: 'site' },
  data: { type: 'string' },
  'base-url': { type: 'string' },
  source: { type: 'string', default: 'bundled' },
  from: { type: 'string' },
  to: { type: 'string' },
  reporters: { type: 'string' },
  hs: { type: 'string' },
  period: { type: 'string' },
  sources: { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  wait: { type: 'string', default: '120' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function liveSources(list: string | undefined): LiveSourceId[] | undefined {
  if (list === undefined) return undefined;
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(LIVE_SOURCES as readonly string[]).includes(n)) {
      throw new UsageError(`Unknown live source "${n}"`, `Use a comma-separated list of ${LIVE_SOURCES.join(', ')}.`);
    }
  }
  return names as LiveSourceId[];
}

async function ingest(o: PipelineOptions, v: Values): Promise<void> {
  const source = v.source!;
  if (!(INGEST_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(`Unknown source "${source}"`, `Use --source ${INGEST_SOURCES.join('|')}.`);
  }
  if (source === 'bundled') {
    if (v['dry-run'] || v.from || v.to || v.reporters || v.hs) {
      throw new UsageError(
        '--from, --to, --reporters, --hs and --dry-run apply to live sources',
        'The bundled source always lands all of data/bundled.',
      );
    }
    return (await import('./ingest-step.ts')).ingestStep(o);
  }
  const options = { source, from: v.from, to: v.to, reporters: v.reporters, hs: v.hs };
  const { dryRun, liveIngestStep } = await import('./ingest-step.ts');
  return v['dry-run'] ? dryRun(o, { ingest: options }) : liveIngestStep(o, options);
}

async function refresh(o: PipelineOptions, v: Values): Promise<void> {
  const sources = liveSources(v.sources);
  const { defaultRefreshPeriod } = await import('../core/ingest/live-selection.ts');
  const period = v.period ?? defaultRefreshPeriod(new Date());
  const { dryRun, refreshStep } = await import('./ingest-step.ts');
  return v['dry-run'] ? dryRun(o, { period, sources }) : refreshStep(o, period, sources);
}

/** Commands that write to the lake: they hold its lock from start to end (not a --dry-run). */
const WRITERS = new Set(['run', 'ingest', 'refresh', 'metrics']);
/** Commands that build the site into --out. */
const SITE_BUILDERS = new Set(['run', 'report']);

function waitSeconds(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
    throw new UsageError(`--wait "${text}" is not a number of seconds`, 'Pass --wait 0 (do not wait) or more.');
  return seconds;
}

const COMMANDS: Record<string, (o: PipelineOptions, v: Values) => Promise<void>> = {
  run: async (o) => (await import('./pipeline.ts')).runLocalPipeline(o),
  ingest,
  refresh,
  metrics: async (o, v) => (await import('./metrics-step.ts')).metricsStep(o, { force: v.force }),
  report: async (o) => (await import('./report-step.ts')).reportStep(o),
};

export async function main(argv: string[], rawOut = console.log, rawErr = console.error): Promise<number> {
  // Every line the CLI prints goes through the secret mask (API keys, AWS secrets).
  const out = redactingLog(rawOut);
  const err = redactingLog(rawErr);
  exitQuietlyOnClosedPipe();
  try {
    const analyst = ANALYST_COMMANDS[argv[0]];
    if (analyst) {
      await analyst(argv.slice(1), { out, err, isTTY: Boolean(process.stdout.isTTY) });
      return 0;
    }
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    const [name, ...rest] = positionals;
    if (values.help || !name) {
      out((name && COMMAND_HELP[name]) || HELP);
      return name || values.help ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command)
      throw new UsageError(`Unknown command "${name}"`, `Run "chainwatch --help" for the list of commands.`);
    if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}"`, `Run "chainwatch --help" for usage.`);
    const lake = values.lake!;
    const wait = waitSeconds(values.wait!);
    if (name === 'metrics') requireFolderLake(lake, 'metrics');
    // The report reads the lake's tables: a missing or foreign --lake is the same clear error as for query.
    // (metrics is a writer: it claims the lake under its lock, which refuses a foreign folder.)
    if (name === 'report') {
      const [{ requireLake }, { storeFromUri }] = await Promise.all([
        import('../core/lake/lake-marker.ts'),
        import('./lake-store.ts'),
      ]);
      await requireLake(await storeFromUri(lake));
    }
    if (SITE_BUILDERS.has(name)) {
      const [{ checkSiteOut }, { checkOwnSite }, { DEFAULT_DATA_DIR }, { PROJECT_ROOT }] = await Promise.all([
        import('./site-out.ts'),
        import('../adapters/link-site-pointer/site-folder.ts'),
        import('../core/ingest/sources/bundled.ts'),
        import('../core/project-root.ts'),
      ]);
      checkSiteOut(values.out!, {
        lake: lake.startsWith('s3://') ? undefined : lake,
        data: values.data ?? DEFAULT_DATA_DIR,
        checkout: PROJECT_ROOT,
        home: homedir(),
      });
      await checkOwnSite(values.out!);
    }
    // Checked before anything runs: a bad address is a usage error, not a failed build after the metrics.
    const baseUrl = SITE_BUILDERS.has(name)
      ? ((await import('../core/report/site-url.ts')).siteUrl(values['base-url'] ?? optionalEnv(ENV.siteUrl)) ??
        undefined)
      : undefined;
    if (values['base-url'] !== undefined && !SITE_BUILDERS.has(name))
      throw new UsageError('--base-url applies to run and report', 'Drop --base-url, or use chainwatch report.');
    const options = {
      lake,
      outDir: values.out!,
      dataDir: values.data,
      baseUrl,
      log: out,
      tty: Boolean(process.stdout.isTTY),
    };
    const run = () => command(options, values);
    if (WRITERS.has(name) && !values['dry-run']) {
      const [{ withLakeLock }, { storeFromUri }] = await Promise.all([
        import('./lake-lock.ts'),
        import('./lake-store.ts'),
      ]);
      await withLakeLock(await storeFromUri(lake), { command: name, waitSeconds: wait, log: out }, run);
    } else await run();
    return 0;
  } catch (error) {
    if (error instanceof ChainwatchError) {
      err(`chainwatch: ${error.message}\n  → ${error.hint}`);
      return error instanceof UsageError ? 2 : 1;
    }
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`chainwatch: ${error.message}\n  → Run "chainwatch --help" for usage.`);
      return 2;
    }
    err(
      `chainwatch: unexpected failure: ${(error as Error).message}\n  → This is a bug; please report it with the command you ran.`,
    );
    if (process.env[ENV.debug]) err((error as Error).stack ?? '');
    return 1;
  }
}
