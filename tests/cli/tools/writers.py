#!/usr/bin/python3
"""writers.py DIR - test_multiserver.sh's writers: one thread per line of
stdin, "MEMBER TOKEN PORT PROPOSAL", each stating MEMBER's position on
PROPOSAL through the server on 127.0.0.1:PORT, again and again, until the
file DIR/stop exists.

Each write is valid: the position alternates (abstain, concur, ...), so it
always changes.  What each answer was, in DIR, for the test to read:

  ack.MEMBER      each acknowledged write's answer (the proposal and its
                  receipt), one JSON document a line; then a pause of
                  0.5 s, so that 32 writers, each at most 2 writes a
                  second, keep three sanitised servers on a 2-CPU VM
                  contended and still leave the CPU to their clocks
  refused.MEMBER  each 4xx: "STATUS ANSWER" (its first 300 bytes), but a
                  409 "is already" (a write whose answer the leader's kill
                  lost leaves the writer one step out of turn)
  fewest          the fewest writes any writer has had acknowledged,
                  replaced whole (rename) at each acknowledgement

No answer (the server is down or killed) or a 5xx: try again after 0.2 s.
A new connection for each write, as a client of one write would make.

One process, not a curl per write: a shell loop of curl took four fifths
of this test's CPU, more than the three servers it loads (perf,
2026-12-06)."""
import http.client
import os
import sys
import threading
import time

DIR = sys.argv[1]
STOP = os.path.join(DIR, "stop")
lock = threading.Lock()
counts = {}


def put_fewest():
    tmp = os.path.join(DIR, "fewest.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % min(counts.values()))
    os.replace(tmp, os.path.join(DIR, "fewest"))


def append(name, line):
    with open(os.path.join(DIR, name), "ab") as f:
        f.write(line)


def writer(member, token, port, proposal):
    i = 0
    path = "/api/v1/proposals/%s/positions" % proposal
    headers = {"Authorization": "Bearer " + token,
               "Content-Type": "application/json", "Connection": "close"}
    while not os.path.exists(STOP):
        i += 1
        body = '{"position":"%s"}' % ("concur" if i % 2 == 0 else "abstain")
        try:
            c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
            c.request("POST", path, body, headers)
            r = c.getresponse()
            status, answer = r.status, r.read()
            c.close()
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
            continue
        if 200 <= status < 300:
            append("ack." + member, answer + b"\n")
            with lock:
                counts[member] += 1
                put_fewest()
            time.sleep(0.5)
        elif status == 409 and b"is already" in answer:
            pass
        elif 400 <= status < 500:
            append("refused." + member, b"%d %s\n" % (status, answer[:300]))
        else:
            time.sleep(0.2)


specs = [line.split() for line in sys.stdin if line.strip()]
if not specs:
    sys.exit("writers.py: no writers on stdin")
for s in specs:
    counts[s[0]] = 0
put_fewest()
threads = [threading.Thread(target=writer, args=s) for s in specs]
for t in threads:
    t.start()
for t in threads:
    t.join()
