#!/usr/bin/env python3
"""Serves the browser build (tools/build-web.sh OUT) on 127.0.0.1.

    tools/serve-web.py OUT [--port P]

Every response carries the two cross-origin isolation headers (the page
shares memory between threads only when isolated), .wasm goes out as
application/wasm, and nothing is cached, so a rebuilt site is what the next
reload gets. Prints the address, then one line per request with --log."""
import argparse
import functools
import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map, **{
        ".wasm": "application/wasm", ".js": "text/javascript", ".data": "application/octet-stream",
        ".gz": "application/gzip", ".html": "text/html; charset=utf-8",
    })
    log = False

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if self.log:
            super().log_message(fmt, *args)


def main():
    ap = argparse.ArgumentParser(description="Serve digitpad's browser build on 127.0.0.1 with cross-origin isolation.")
    ap.add_argument("folder", help="the site, as tools/build-web.sh OUT wrote it")
    ap.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    ap.add_argument("--log", action="store_true", help="print every request")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.folder, "index.html")):
        sys.exit(f"serve-web: {a.folder} has no index.html: build the site first with tools/build-web.sh {a.folder}")
    if not 0 <= a.port <= 65535:
        sys.exit(f"serve-web: --port {a.port} is not a port number (0-65535)")
    Handler.log = a.log
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port),
                                                 functools.partial(Handler, directory=a.folder))
    except OSError as e:
        sys.exit(f"serve-web: cannot listen on 127.0.0.1:{a.port}: {e.strerror}")
    print(f"serving {os.path.abspath(a.folder)} at http://127.0.0.1:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
