#!/usr/bin/python3
"""webhook_receiver.py PORT SECRET_FILE OUT - a webhook receiver for the
shell tests: listens on 127.0.0.1:PORT and, for each POST, appends a line
to OUT: "signed" or "UNSIGNED" (its Council-Signature checked, as
docs/WEBHOOKS.md says a receiver does, against the secret SECRET_FILE
holds when the request comes), its Council-Event, its Council-Delivery
and its body; answers 204."""
import hashlib
import hmac
import http.server
import re
import sys

port, secret_file, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        m = re.fullmatch(r't=(\d+),v1=([0-9a-f]{64})',
                         self.headers.get('Council-Signature', ''))
        with open(secret_file) as f:
            key = f.read().strip().encode()
        ok = bool(m) and hmac.compare_digest(
            hmac.new(key, m.group(1).encode() + b'.' + body,
                     hashlib.sha256).hexdigest(), m.group(2))
        with open(out, 'a') as f:
            f.write('%s %s %s %s\n' % ('signed' if ok else 'UNSIGNED',
                                       self.headers['Council-Event'],
                                       self.headers['Council-Delivery'],
                                       body.decode()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(('127.0.0.1', port), Receiver).serve_forever()
