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
c search zebrafish --after 1 --json
expect_json "up from a cursor: the oldest first, above it" '.proposals | map(.id) | join(",")' 2
c search harbour --after 1 --json
expect_json "nothing above the last match" .count 0
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

# The index holds each proposal's sight words beside its words
# (store/pagesql.h): a restricted search asks for both, so a word that
# only hidden proposals hold finds nothing in the index itself.
fts() { sqlite3 "$COUNCIL_DB" "SELECT group_concat(rowid) FROM (SELECT rowid FROM proposal_words WHERE proposal_words MATCH '$1' ORDER BY rowid)"; }
check "the words alone: both proposals" test "$(fts '{title text} : ("zebrafish")')" = "1,2"
check "with the public's sight word: none (nothing is adopted)" test -z "$(fts '{title text} : ("zebrafish") AND sight : (adopted)')"
check "with the NPG's body word (b and the hex of NPG): proposal 2" test "$(fts '{title text} : ("zebrafish") AND sight : (b4e5047)')" = "2"
check "a sight word is not a word of the title or text" test -z "$(fts '{title text} : ("adopted")')"
c propose --at 2026-01-06 --body NAC --title "Silent" --text "zebrafish quietly" --procedure silence --deadline 2026-01-07
c tick --now 2026-01-08
c show 4 --json
expect_json "(proposal 4 adopted by silence)" .outcome adopted
check "an adoption re-indexes the proposal with its sight word" test "$(fts '{title text} : ("zebrafish") AND sight : (adopted)')" = "4"

# A store made before the index, with an older build's index of words
# alone: opening it for writing replaces it and fills the new one from the
# proposals.
sqlite3 "$COUNCIL_DB" "DROP TABLE proposal_words; DROP TRIGGER proposal_words_insert;
  DROP TRIGGER proposal_words_update; DROP TRIGGER proposal_words_delete;
  CREATE VIRTUAL TABLE proposal_search USING fts5(title, text);
  CREATE TRIGGER proposal_search_insert AFTER INSERT ON proposals BEGIN
    INSERT INTO proposal_search(rowid, title, text) VALUES(new.id, new.title, ''); END;"
c withdraw 3 --at 2026-01-07
expect_rc "a write on the older store" 0
c search zebrafish --json
expect_json "its index is filled again" '.proposals | map(.id) | join(",")' "4,2,1"
check "the older index is gone" test "$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'proposal_search%'")" = 0
check "the new one holds the sight words" test "$(fts '{title text} : ("zebrafish") AND sight : (adopted)')" = "4"
c verify
expect_rc "and the record still verifies" 0

# The public's log finds the public record through its index
# (store/pagesql.h), reading only the entries it sees, in seq order:
plan=$(sqlite3 "$COUNCIL_DB" "EXPLAIN QUERY PLAN SELECT seq FROM public_record WHERE adopted = 1 AND seq BETWEEN 1 AND 1000 ORDER BY seq LIMIT 100")
check "the public record's walk reads only its index ($plan)" grep -q "COVERING INDEX public_record_adopted (adopted=? AND seq>? AND seq<?)" <<<"$plan"
check "... and needs no sort" test -z "$(grep -i "temp b-tree" <<<"$plan")"
# four openings, 4's adoption and 3's withdrawal; 4's opening is marked
# adopted with its conclusion
check "the index holds each opening and conclusion, with its proposal's sight" test "$(sqlite3 "$COUNCIL_DB" "SELECT group_concat(proposal || ':' || adopted) FROM public_record")" = "1:0,2:0,3:0,4:1,4:1,3:0"
# Without it (a store opened read-only before it had one), the branches
# walk the events of one record type in seq order and test each one's
# proposal: an index on (type, seq, proposal) answers that from the index
# alone, never reading an event's row (its bytes) to find it hidden.
plan=$(sqlite3 "$COUNCIL_DB" "EXPLAIN QUERY PLAN SELECT seq FROM events WHERE seq BETWEEN 1 AND 1000 AND type = 'proposal.created' AND proposal IN (SELECT id FROM proposals WHERE shared = 1) ORDER BY seq LIMIT 100")
check "a record type's walk reads only an index ($plan)" grep -q "COVERING INDEX events_type_seq" <<<"$plan"
# An older store has the index on type alone: the next open for writing
# replaces it.
sqlite3 "$COUNCIL_DB" "DROP INDEX events_type_seq; CREATE INDEX events_type ON events(type);"
c withdraw 1 --at 2026-01-07
expect_rc "a write on a store with the older index" 0
idx=$(sqlite3 "$COUNCIL_DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)")
check "the older index is replaced ($idx)" test "$idx" = "events_proposal events_type_seq"
