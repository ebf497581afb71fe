#!/usr/bin/python3
"""smtp_sink.py - a real SMTP listener for the e-mail tests
(tests/http/mail.test.mjs): aiosmtpd (Debian's python3-aiosmtpd) on
127.0.0.1, which writes every message it takes to a directory.

  smtp_sink.py DIR [PORT [CERT KEY USER:PASSWORD]]
                             PORT 0 or none: a free one; with CERT and KEY
                             (PEM), STARTTLS is offered and required, and
                             then AUTH as USER:PASSWORD before MAIL

Prints "PORT n" on stdout once it listens.  Each message taken is
DIR/NNNN.eml (the bytes as received after DATA) with DIR/NNNN.json
({"from": ..., "to": [...], "auth": the user who authenticated, or
null, "tls": whether the session was encrypted}), the .json written last
and by rename, so a
reader that sees it sees the whole message.

What it answers depends on the recipient's local part, so a test chooses
a server's behaviour by the address it subscribes:
  tempfail...   451 to its first RCPT TO (then 250): a temporary failure
  reject...     550 to every RCPT TO: a permanent one
  anything else 250
Every RCPT TO is appended to DIR/rcpt.log as "CODE ADDRESS".
"""
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out):
        self.out = out
        os.makedirs(out, exist_ok=True)
        self.n = len([f for f in os.listdir(out) if f.endswith(".json")])
        self.tried = set()

    def log(self, code, address):
        with open(os.path.join(self.out, "rcpt.log"), "a") as f:
            f.write("%d %s\n" % (code, address))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("reject"):
            self.log(550, address)
            return "550 5.1.1 <%s>: no such mailbox here" % address
        if local.startswith("tempfail") and address not in self.tried:
            self.tried.add(address)
            self.log(451, address)
            return "451 4.3.0 <%s>: try again later" % address
        self.log(250, address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.out, "%04d" % self.n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".tmp", "w") as f:
            login = session.auth_data.login if session.auth_data else None
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "auth": login.decode() if login else None,
                       "tls": session.ssl is not None}, f)
        os.rename(base + ".tmp", base + ".json")
        return "250 2.0.0 Ok: queued as %04d" % self.n


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == user.encode() and
              auth_data.password == password.encode())
        if ok:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Authentication credentials invalid")
    return check


async def main(out, port, tls=None):
    loop = asyncio.get_running_loop()
    sink = Sink(out)
    extra = {}
    if tls:
        cert, key, cred = tls
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        user, password = cred.split(":", 1)
        extra = dict(tls_context=ctx, require_starttls=True, auth_required=True,
                     authenticator=authenticator(user, password))
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", data_size_limit=10 << 20, **extra),
        "127.0.0.1", port)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0,
                     sys.argv[3:6] if len(sys.argv) > 3 else None))
