"""moto_server as the tests start it: the same server, without two costs it pays on every request.

moto finds the service a request is for by listing its own package folder (a directory listing and a
stat per service, ~200 of them) and logs every request line. Together they were about half of its CPU
on the suite's S3 traffic (4.4 ms per small PutObject, 2.4 ms without them), and moto was the suite's
third-busiest process after the test workers and Chromium. Nothing it answers changes: the folder
list is read once instead of per request, and the "Running on http://…" line the tests wait for is
still printed (it is not a request log line).
"""

import sys

try:
    import moto.backends as backends
    from moto.server import main
    from werkzeug.serving import WSGIRequestHandler
except ImportError as error:
    print(
        f"moto is not installed for {sys.executable} ({error}): install it with "
        "`pip install 'moto[server]'` (npm test installs it: scripts/test-tools.mjs)",
        file=sys.stderr,
    )
    sys.exit(3)

MODULES = frozenset(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: MODULES
WSGIRequestHandler.log_request = lambda *args, **kwargs: None

sys.exit(main(sys.argv[1:]))
