#!/bin/bash
# test_analyze.sh - `council analyze rule` and `council analyze proposal`
# on the datasets: the figures of the date asked, a what-if beside today's,
# NATO's trivial answer, and a replayed Security Council vote.
. "$(dirname "$0")/lib.sh"

c init --dataset "$ROOT/data/unsc.json"
c analyze rule --body SC --at 2011-03-17 --json
expect_rc "analyze rule answers for the Security Council" 0
expect_json "the permanent members are its veto players" '.today.power.veto_players | join(" ")' "CN FR GB RU US"
expect_json "a permanent member holds 421/2145 (Shapley-Shubik)" \
	'.today.power.indices[] | select(.member == "US") | .shapley_shubik.exact' "421/2145"
expect_json "848 of 32768 coalitions win" '.today.power.winning + " " + .today.power.coalitions' "848 32768"
c analyze rule --body SC --at 2011-03-17 --rule procedural --without US
expect_rc "a what-if with a named rule and a member left out" 0
check "the what-if is printed beside today's" grep -q "^what if: count(concur) >= 9 (procedural)" "$T/.out"
check "the side-by-side table names the one left out" grep -qE "^US +veto +\(absent\)" "$T/.out"
c analyze rule --body SC --at 2011-03-17 --without JP
expect_err "leaving out a member who was not there is refused" 1 "JP is not in the electorate"
c analyze rule --body XX
expect_err "an unknown body is refused" 1 "no body 'XX'"
c analyze rule
expect_rc "--body is required" 2
c --db "$COUNCIL_DB" replay "$ROOT/scenarios/unsc-2011-res1973.json"
c analyze proposal 1 --json
expect_rc "analyze proposal answers for a replayed vote" 0
expect_json "resolution 1973: adopted at conclusion" '.at_conclusion.verdict' "adopted"
expect_json "every permanent member could still have blocked it alone" '.can_block | join(" ")' "CN FR GB RU US"
expect_json "one objection flips it, five ways" '.smallest_flip.size, .smallest_flip.count' "1
5"
c analyze proposal 99
expect_err "an unknown proposal is refused" 1 "no proposal 99"

export COUNCIL_DB="$T/eu.db"
c init --dataset "$ROOT/data/eu-council.json"
c analyze rule --body COUNCIL --at 2025-06-01 --with UA=8.5 --json
expect_rc "the EU Council on 2025 figures, with a member added" 0
expect_json "27 today, 28 in the what-if" '[(.today.electorate | length), (.what_if.electorate | length)] | join(" ")' "27 28"
expect_json "four members are the smallest blocking minority" '.today.power.smallest_blocking.size' "4"
c analyze rule --body COUNCIL --at 2024-06-01
expect_err "a date whose figures the registry lacks is refused, naming them" 1 "population_share"

export COUNCIL_DB="$T/nato.db"
c init
c analyze rule --body NAC --at 2024-06-01 --json
expect_json "NATO: consensus makes every ally a veto player" \
	'[.today.power.indices[] | select(.veto | not)] | length' "0"
expect_json "NATO: one ally blocks alone" '.today.power.smallest_blocking.size' "1"
