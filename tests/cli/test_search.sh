#!/bin/bash
# council search: the words of titles and texts (SQLite FTS5), kept in
# step with the proposals in the same transaction, a page at a time, and
# an older store gets its index the first time it is opened for writing.
. "$(dirname "$0")/lib.sh"

c init --at 2026-01-05
expect_rc "init" 0
c propose --at 2026-01-06 --body NAC --title "Harbour security" --text "Zebrafish posture"
c propose --at 2026-01-06 --body NPG --title "Planning review" --text "zebrafish again, Café"
c propose --at 2026-01-06 --body NAC --title "Unrelated" --text "Nothing to see"

c search zebrafish --json
expect_json "both texts that hold the word" .count 2
expect_json "the newest first" '.proposals[0].id' 2
c search "ZEBRAFISH harbour" --json
expect_json "every word required, without case" '.proposals | map(.id) | join(",")' 1
c search cafe --json
expect_json "without diacritics" '.proposals[0].id' 2
c search zebrafish --limit 1 --json
expect_json "a page of one" .count 1
expect_json "says where the next starts" .next 2
c search zebrafish --limit 1 --before 2 --json
expect_json "the next page" '.proposals[0].id' 1
c search zebrafish --body npg --json
expect_json "a body filter" .count 1
c search 'a OR "b' --json
expect_rc "operators and quotes are words, not syntax" 0
c search "   "
expect_err "no word is a usage error" 2 "at least one word"
c search zebrafish --status bogus
expect_err "an unknown status is a usage error" 2 "unknown status"
c search zebrafish --limit 1001
expect_err "a limit beyond 1000" 2 "--limit"

# A store made before the index: drop it, as an older build's store has
# none; opening it for writing builds it again from the proposals.
sqlite3 "$COUNCIL_DB" "DROP TABLE proposal_search; DROP TRIGGER IF EXISTS proposal_search_insert;"
c withdraw 3 --at 2026-01-07
expect_rc "a write on the older store" 0
c search zebrafish --json
expect_json "its index is filled again" .count 2
c verify
expect_rc "and the record still verifies" 0

# The restricted log's branches (store/pagesql.c) walk the events of one
# type in seq order and test each one's proposal: an index on (type, seq,
# proposal) answers that from the index alone, never reading an event's
# row (its bytes) to find it hidden.  The shape of the public's branch:
plan=$(sqlite3 "$COUNCIL_DB" "EXPLAIN QUERY PLAN SELECT seq FROM events WHERE seq BETWEEN 1 AND 1000 AND type = 'proposal.created' AND proposal IN (SELECT id FROM proposals WHERE shared = 1) ORDER BY seq LIMIT 100")
check "a record type's walk reads only an index ($plan)" grep -q "COVERING INDEX events_type_seq" <<<"$plan"
# An older store has the index on type alone: the next open for writing
# replaces it.
sqlite3 "$COUNCIL_DB" "DROP INDEX events_type_seq; CREATE INDEX events_type ON events(type);"
c withdraw 1 --at 2026-01-07
expect_rc "a write on a store with the older index" 0
idx=$(sqlite3 "$COUNCIL_DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)")
check "the older index is replaced ($idx)" test "$idx" = "events_proposal events_type_seq"
