"""Shared plumbing of the Python baselines: arguments, the timed section, the result line.

Each baseline is what an analyst would write instead of chainwatch: read the curated Parquet
lake, compute the trade metric tables of sql/metrics/*.sql with the same semantics, write one
Parquet file per table. Only the work is timed (reading the lake to writing the last file), not
interpreter start-up or imports, exactly as for the other contenders of bench/run.ts.
"""
import argparse
import json
import os
import time

# The trade metric tables the baselines reproduce, in dependency order (as sql/metrics/ runs them).
TABLES = ["supplier_shares", "concentration", "dependency", "trade_trend"]
KEYS = ["reporter_iso3", "hs6", "flow", "year"]
# Source preference for a cell covered by several ingest sources (sql/metrics/supplier_shares.sql).
SOURCE_PREFERENCE = {"comtrade": 1, "bundled": 2, "census": 3}
# Non-country partners that restate country values and so are not "nes" (concentration.sql).
NOT_NES = ["WLD", "X097", "EU"]
TRADE_COLUMNS = ["source", "reporter_iso3", "hs6", "flow", "year", "month", "partner_iso3",
                 "partner_name", "partner_is_aggregate", "value_usd", "is_estimated"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lake", required=True, help="lake folder holding curated/")
    p.add_argument("--out", required=True, help="folder for <table>.parquet outputs")
    return p.parse_args()


def lake_paths(lake):
    return {
        "trade_flows": os.path.join(lake, "curated", "trade_flows"),
        "countries": os.path.join(lake, "curated", "countries", "part-00000.parquet"),
        "partner_groups": os.path.join(lake, "curated", "partner_groups", "part-00000.parquet"),
    }


def run(compute):
    """Time compute(lake, out) -> {table: rows} and print one JSON result line for the harness."""
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    rows = compute(args.lake, args.out)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": rows}))
