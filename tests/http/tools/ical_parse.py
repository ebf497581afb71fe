#!/usr/bin/python3
"""ical_parse.py - read an iCalendar feed from stdin with Debian's
python3-icalendar (a real RFC 5545 parser, not council's) and print what
it found as JSON: the calendar's properties and each VEVENT's, with times
as ISO 8601 UTC.  A feed it cannot parse exits non-zero.

Also checks what a lenient parser forgives: every physical line ends in
CRLF, is at most 75 octets and is valid UTF-8 on its own (a fold never
splits a sequence).

ical_parse.py --serve: many feeds, one process (tests/http/ical.mjs):
each feed on stdin as a line with its length in bytes, then the bytes;
for each, one line of JSON on stdout, what a run for that feed alone
prints, or {"error": WHY} for a feed it cannot parse.  Starting Python
and importing icalendar cost 110 ms of CPU, more than the parse."""
import json
import sys
from datetime import timezone

from icalendar import Calendar


def utc(v):
    dt = v.dt
    if dt.tzinfo is None:
        raise ValueError("a time without a zone: %r" % (v.to_ical(),))
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(raw):
    problems = []
    if not raw.endswith(b"\r\n"):
        problems.append("the feed does not end in CRLF")
    for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {n}: a bare LF or CR")
        if len(line) > 75:
            problems.append(f"line {n}: {len(line)} octets")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {n}: not UTF-8 on its own")

    cal = Calendar.from_ical(raw.decode("utf-8"))
    events = []
    for ev in cal.walk("VEVENT"):
        e = {}
        for key in ("UID", "SUMMARY", "DESCRIPTION", "URL", "STATUS", "LOCATION"):
            if key in ev:
                e[key] = str(ev[key])
        for key in ("DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED"):
            if key in ev:
                e[key] = utc(ev[key])
        if "SEQUENCE" in ev:
            e["SEQUENCE"] = int(ev["SEQUENCE"])
        events.append(e)
    return {
        "problems": problems,
        "calendar": {k: str(cal[k]) for k in
                     ("VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME")
                     if k in cal},
        "events": events,
    }


if sys.argv[1:] == ["--serve"]:
    inp = sys.stdin.buffer
    while True:
        head = inp.readline()
        if not head:
            break
        raw = inp.read(int(head))
        try:
            out = parse(raw)
        except Exception as e:  # each feed's failure is its own answer
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)
else:
    print(json.dumps(parse(sys.stdin.buffer.read())))
