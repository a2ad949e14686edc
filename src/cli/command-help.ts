import { ENV, REPORT_MEMORY_DEFAULT } from '../core/env.ts';

/** `chainwatch <command> --help` for the pipeline commands (query, shell, export-views, serve, smoke print their own). */
const LAKE_WRITER = `the lake (default .lake/). chainwatch writes only to a new or empty
                       folder or a lake it made (it carries _chainwatch-lake.json), one run at a time
  --wait <seconds>     how long to wait for another run writing to the same lake (default 120)`;
/** ingest and refresh write through the object store: a folder or S3. */
const LAKE = `  --lake <dir|s3://bucket/prefix>  ${LAKE_WRITER}`;
/** The steps DuckDB runs read local Parquet: a folder. */
const LAKE_FOLDER = `  --lake <dir>         ${LAKE_WRITER}`;
const OUT = `  --out <dir>          site output folder (default site/): a new or empty folder, or the site
                       chainwatch made there; never the checkout, the lake, the data or home folder`;
const BASE_URL = `  --base-url <url>     the site's public address (https://…/): "cite this chart" and the alert feeds
                       carry absolute URLs (default: $CHAINWATCH_SITE_URL; without either they carry
                       addresses from the site root, and the citations say so)`;
const EXIT = 'Exit codes: 0 success, 1 the run failed (reason on stderr), 2 bad usage.';

export const COMMAND_HELP: Record<string, string> = {
  run: `chainwatch run — ingest → metrics → report: the whole pipeline, offline, on the bundled data

Usage: chainwatch run [--lake <dir>] [--out <dir>] [--data <dir>] [--base-url <url>]

${LAKE_FOLDER}
${OUT}
  --data <dir>         bundled data folder (default data/bundled)
${BASE_URL}

${EXIT}`,
  ingest: `chainwatch ingest — land a source in the lake: raw/, curated/, quarantine/, _runs/

Usage: chainwatch ingest [--source bundled|comtrade|census|usgs] [options]

  --source <name>      bundled (default: all of data/bundled, offline) or a live source
  --from <YYYY|YYYY-MM> --to <YYYY|YYYY-MM>   live sources: the period to fetch
  --reporters USA,DEU  --hs 280530,854231     live sources: narrow the request
  --dry-run            print the requests a live source would make; fetch nothing
  --data <dir>         bundled data folder (default data/bundled)
${LAKE}

Live sources read API keys from COMTRADE_API_KEY and CENSUS_API_KEY (optional; never logged).
A live source that cannot be fetched keeps its last good data in the lake, and the command exits 1
with the cause (DNS, connection refused, HTTP status).
${EXIT}`,
  refresh: `chainwatch refresh — the monthly refresh of the live sources (incremental, idempotent)

Usage: chainwatch refresh [--period <YYYY-MM>] [--sources comtrade,census,usgs] [--dry-run]

  --period <YYYY-MM>   the month to refresh (default: two months ago)
  --sources <list>     which live sources (default: all)
  --dry-run            print the requests; fetch nothing
${LAKE}

A source that cannot be fetched keeps its last good data; the command then exits 1 with the cause.
${EXIT}`,
  metrics: `chainwatch metrics — compute the metric tables (SQL files in sql/metrics/) into metrics/

Usage: chainwatch metrics [--lake <dir>] [--force]

  --force              recompute every table (default: keep a table whose inputs are unchanged)
${LAKE_FOLDER}
The lake must be a folder (DuckDB reads local Parquet); chainwatch run or ingest fills it.

${EXIT}`,
  report: `chainwatch report — build the static report site from the lake

Usage: chainwatch report [--lake <dir>] [--out <dir>] [--base-url <url>]

  --lake <dir>         the lake folder to read (default .lake/): the report only reads it, so it takes
                       no turn among the runs that write it
${OUT}
${BASE_URL}

DuckDB answers the pages' queries, and writes the Data page's tables in a second session, each within a
memory limit of ${REPORT_MEMORY_DEFAULT}, spilling to a temp folder past it; set ${ENV.reportMemory} (e.g. 256MB) for a lake whose report fails with DuckDB's out-of-memory error.

${EXIT}`,
};
