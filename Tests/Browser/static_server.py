#!/usr/bin/env python3
"""A plain static HTTP server on loopback for the tests: serves DIR on a free port and writes the port
to PORTFILE once listening. Stop it with SIGTERM/SIGKILL."""
import functools
import http.server
import os
import sys

directory, port_file = sys.argv[1], sys.argv[2]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


handler = functools.partial(Quiet, directory=directory)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.replace(tmp, port_file)
server.serve_forever()
