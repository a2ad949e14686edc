/**
 * The memory the ingest Lambdas run with, in one place: the stack deploys them with it and the ingest
 * benchmark runs its contender under the same V8 heap limit, so the measured peak RSS is the one a
 * deployed ingest has. A live ingest holds one request group (a Comtrade period: ~84,000 records at
 * the benchmark's 10 M-row decade) at a time; its live heap stays under the limit with room to spare
 * (a run at 10 M rows completes with it). A period several times larger needs both raised.
 */
export const INGEST_MEMORY_MB = 512;
/** V8 old-space limit (NODE_OPTIONS --max-old-space-size): below the function's memory, for buffers and code. */
export const INGEST_HEAP_MB = 192;
