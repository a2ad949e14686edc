"""Execute a notebook with nbclient and print, as JSON, the DataFrames it leaves in named variables.

Usage: python3 run-notebook.py <notebook.ipynb> <variable> [<variable> ...]
The notebook runs unchanged in its own folder; one cell is appended to the in-memory copy that dumps the
variables, so the test can compare the notebook's results with the CLI's for the same SQL.
"""
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path, names = Path(sys.argv[1]), sys.argv[2:]
nb = nbformat.read(path, as_version=4)
dump = "import json as _json\nprint('RESULT ' + _json.dumps({%s}, default=str))" % ', '.join(
    # Missing values as null (JSON has no NaN).
    f"{n!r}: {n}.astype(object).where({n}.notna(), None).to_dict(orient='records')" for n in names
)
nb.cells.append(nbformat.v4.new_code_cell(dump))
NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
for output in nb.cells[-1].outputs:
    for line in output.get('text', '').splitlines():
        if line.startswith('RESULT '):
            print(line[len('RESULT '):])
