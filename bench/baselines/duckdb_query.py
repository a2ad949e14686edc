"""The analyst's other way in: the DuckDB Python package on the lake's views (`chainwatch export-views`).

    python3 duckdb_query.py views.sql "select 1"

Runs the views script, then the query, and prints its rows: what `chainwatch query` does, with no
checks of its own, measured as a whole process (interpreter start-up and import included).
"""

import sys

import duckdb

views, sql = sys.argv[1], sys.argv[2]
con = duckdb.connect()
with open(views, encoding="utf-8") as f:
    con.execute(f.read())
print(con.sql(sql).fetchall())
