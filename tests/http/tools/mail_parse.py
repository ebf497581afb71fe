#!/usr/bin/python3
"""mail_parse.py - the messages an SMTP sink took, read with Python's
email package (RFC 5322 and MIME, policy default), as JSON for the e-mail
tests: for each DIR/NNNN.eml given, its envelope, decoded headers, the
MIME structure and each part's decoded text, and the parser's defects.

  mail_parse.py FILE.eml...   prints a JSON array
"""
import email
import email.policy
import json
import sys


def part(p):
    return {
        "type": p.get_content_type(),
        "charset": p.get_content_charset(),
        "cte": p.get("Content-Transfer-Encoding"),
        "text": p.get_content() if p.get_content_maintype() == "text" else None,
        "defects": [type(d).__name__ for d in p.defects],
    }


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    with open(path[:-4] + ".json") as f:
        envelope = json.load(f)
    heads = {}
    for k in ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To",
              "References", "Content-Language", "Council-Event",
              "MIME-Version", "Auto-Submitted"):
        v = m.get(k)
        heads[k] = None if v is None else str(v)
    return {
        "file": path,
        "envelope": envelope,
        "headers": heads,
        "type": m.get_content_type(),
        "multipart": m.is_multipart(),
        "parts": [part(p) for p in m.iter_parts()] if m.is_multipart() else [part(m)],
        "defects": [type(d).__name__ for d in m.defects],
        "ascii": all(b < 128 for b in raw),
        "crlf": b"\n" not in raw.replace(b"\r\n", b""),
        "max_line": max(len(l) for l in raw.split(b"\r\n")),
    }


print(json.dumps([read(p) for p in sys.argv[1:]], ensure_ascii=False))
