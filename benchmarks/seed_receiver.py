"""A receiver built the way the seed's quick-start script works, as the slow reference.

Single-threaded ``http.server``; for every post it parses the body twice with xmltodict,
decodes both base64 JPEGs and writes them to disk before replying.

python -m benchmarks.seed_receiver PORT DIR
"""

from __future__ import annotations

import base64
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
import sys

import xmltodict

REPLY = (
    b'<?xml version="1.0" encoding="UTF-8"?><config version="1.0" '
    b'xmlns="http://www.ipc.com/ver10"><status>success</status></config>'
)


class Handler(BaseHTTPRequestHandler):
    """Parse, decode, write, reply."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # its best case: no delayed-ACK stall on the reply
    out = Path()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if body:
            kind = xmltodict.parse(body)["config"].get("smartType")
            data = xmltodict.parse(body)["config"]
            if kind is not None:
                items = data["listInfo"]["item"]
                plate = items[1]["plateNumber"]
                for index, item in enumerate(items):
                    b64 = item["targetImageData"]["targetBase64Data"]
                    text = b64["#text"] if isinstance(b64, dict) else b64
                    if text:
                        (self.out / f"{plate}_{index}.jpg").write_bytes(base64.b64decode(text))
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(REPLY)))
        self.end_headers()
        self.wfile.write(REPLY)

    def log_message(self, *_args: object) -> None:
        """Quiet."""


if __name__ == "__main__":
    Handler.out = Path(sys.argv[2])
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
