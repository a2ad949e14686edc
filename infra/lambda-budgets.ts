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
