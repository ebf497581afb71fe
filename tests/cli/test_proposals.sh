#!/bin/bash
# council proposals: the list a page at a time (--limit, --before going
# down from the newest, --after going up), its filters (body, status,
# member of the electorate, dates opened and concluded), and their edges:
# an empty page, the last page, a cursor past the end, bad options.
. "$(dirname "$0")/lib.sh"

c init --at 2026-01-05
expect_rc "init" 0
for i in 1 2 3 4 5; do
	c propose --at "$(printf "2026-01-%02d" $((5 + i)))" --body NAC --title "Meeting $i"
	expect_rc "proposal $i" 0
done
c propose --at 2026-01-11 --body NPG --title "Nuclear planning"
c withdraw 2 --at 2026-01-12
expect_rc "withdraw proposal 2" 0

c proposals
check "the table has a header" grep -q '^id  *body  *procedure  *status  *title' "$T/.out"
check "the newest first" sh -c 'sed -n 2p "$1" | grep -q "^ *6 .*Nuclear planning"' _ "$T/.out"
check "a single page names no next" sh -c '! grep -q "^more:" "$1"' _ "$T/.out"
c proposals --json
expect_json "every proposal, newest first" '.proposals | map(.id) | join(",")' "6,5,4,3,2,1"
expect_json "and no next page" .next null

c proposals --limit 4 --json
expect_json "a page of 4" '.proposals | map(.id) | join(",")' "6,5,4,3"
expect_json "with the cursor of the next" .next 3
c proposals --limit 4 --before 3 --json
expect_json "the next page holds the rest" '.proposals | map(.id) | join(",")' "2,1"
expect_json "and is the last" .next null
c proposals --limit 4
check "the table ends with the next page's option" grep -qx 'more: --before 3' "$T/.out"
c proposals --after 2 --limit 2 --json
expect_json "--after reads up, the oldest first" '.proposals | map(.id) | join(",")' "3,4"
expect_json "its cursor goes on up" .next 4
c proposals --after 2 --limit 2
check "and the table says so" grep -qx 'more: --after 4' "$T/.out"
c proposals --after 6 --json
expect_json "a cursor past the end: an empty page" .count 0
c proposals --before 1 --json
expect_json "below the first: an empty page" .count 0

c proposals --body NPG --json
expect_json "a body filter" '.proposals | map(.id) | join(",")' 6
c proposals --body npg --json
expect_json "a body without case" .count 1
c proposals --status withdrawn --json
expect_json "an outcome filter" '.proposals | map(.id) | join(",")' 2
c proposals --status open --limit 2 --json
expect_json "the open ones, a page" '.proposals | map(.id) | join(",")' "6,5"
c proposals --opened-from 2026-01-08 --opened-to 2026-01-10 --json
expect_json "opened in a range [from, to)" '.proposals | map(.id) | join(",")' "4,3"
c proposals --concluded-from 2026-01-12 --json
expect_json "concluded from a date" '.proposals | map(.id) | join(",")' 2
c proposals --member FI --json
expect_json "a member of the electorate (Finland, a member since 2023)" .count 6
c proposals --member XX --json
expect_json "a state in no electorate" .count 0

c proposals --limit 0
expect_err "a limit below 1" 2 "--limit"
c proposals --limit 1001
expect_err "a limit above 1000" 2 "--limit"
c proposals --after 1 --before 3
expect_err "two cursors" 2 "give one cursor"
c proposals --opened-from yesterday
expect_err "a time that is not one names its option" 2 "--opened-from"
c proposals --body XYZ
expect_err "an unknown body" 1 "unknown body 'XYZ'"
c proposals --status bogus
expect_err "an unknown status" 2 "unknown status"

# The table's lines come from the rows' columns, not from the views: each
# line must still say what its proposal's view says, a concluded one's
# outcome in place of "concluded".
c propose --at 2026-01-13 --body NAC --title "Quiet wording" --procedure silence --deadline 2026-01-20
expect_rc "a silence procedure" 0
c conclude 7 --at 2026-01-21
expect_err "the clock concluded it at its deadline, before the command" 1 \
	"proposal 7 was concluded on 2026-01-20T00:00:00Z (adopted"
c proposals --json
jq -r '.proposals[] | [.id, .body, .procedure,
	(if .status == "concluded" then .outcome else .status end), .title] | map(tostring) | join(" ")' \
	"$T/.out" > "$T/from-views"
c proposals
tail -n +2 "$T/.out" | sed -E 's/^ +//; s/ +/ /g' > "$T/from-table"
check "each line of the table says what its view says" cmp -s "$T/from-views" "$T/from-table"
check "the adopted one shows its outcome" grep -qx "7 NAC silence adopted Quiet wording" "$T/from-table"
check "the withdrawn one its status" grep -qx "2 NAC meeting withdrawn Meeting 2" "$T/from-table"
