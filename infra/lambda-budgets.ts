/**
 * The memory the ingest Lambdas run with, in one place: the stack deploys them with it and the ingest
 * benchmark runs its contender under the same V8 heap limit, so the measured peak RSS is the one a
 * deployed ingest has. A live ingest holds one request group (a Comtrade period: ~84,000 records at
 * the benchmark's 10 M-row decade) at a time. Measured on that decade: the run completes with a 192 MB
 * heap (peak RSS 483 MB) and runs out of heap at 160 MB, so a period much larger than ~90,000 records
 * needs both figures raised (the source would fail and be marked stale, its last good data kept).
 */
export const INGEST_MEMORY_MB = 512;
/** V8 old-space limit (NODE_OPTIONS --max-old-space-size): below the function's memory, for buffers and code. */
export const INGEST_HEAP_MB = 192;

/**
 * The report Lambda's /tmp, where it builds the whole release before publishing it. The Data page's table
 * files grow with the lake (at the benchmark's 10 M-row lake: trade_flows 198 MB and monthly_anomalies
 * 216 MB as Parquet, 462 MB of tables in all), so Lambda's default 512 MB fails a large lake's build with
 * ENOSPC. Measured builds (bench/work, `du` of the build folder): 642 MB at 1 M rows and 1.9 GB at 10 M, each
 * with the benchmark's 1,000 product pages; 4 GB holds twice the 10 M build.
 */
export const REPORT_TMP_MB = 4096;
