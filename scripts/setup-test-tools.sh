#!/usr/bin/env bash
# Tools the test suite runs for real: moto_server (S3 and Athena APIs on loopback), Chromium (the
# browser suite), the Python wheels and GNU time of the benchmark smoke test.
# Idempotent; safe to run on a machine that has them already.
set -euo pipefail
if ! command -v moto_server >/dev/null 2>&1; then
  pip install 'moto[server]'
fi
if ! python3 -c 'import pandas, polars, pyarrow, duckdb, nbclient, nbformat, ipykernel' >/dev/null 2>&1; then
  pip install pandas polars pyarrow duckdb nbclient nbformat ipykernel
fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
