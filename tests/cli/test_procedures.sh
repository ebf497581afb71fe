#!/bin/bash
# The decision procedures end to end through the CLI: the Tokyo 2023 case,
# silence (deadline, broken silence, extension, recirculation, tick),
# reservations, ratification with an admit-member effect.
. "$(dirname "$0")/lib.sh"

c init --at 2023-01-01
expect_rc "init" 0

# --- Tokyo 2023, by hand --------------------------------------------------
c offices --all --json --at 2023-05-03
offices_before=$out
c propose --body NAC --title "Open a NATO liaison office in Tokyo" \
	--procedure meeting --level permanent-representatives --place Brussels \
	--effect "open-office:id=nlo-tokyo,name=NATO Liaison Office Tokyo,city=Tokyo,country=JP,lat=35.68,lon=139.69" \
	--at 2023-05-03
expect_rc "propose the Tokyo office" 0
check "propose prints the new id" test "$out" = 1
c show 1 --json
expect_json "electorate of 31 allies, frozen on 2023-05-03" .electorate_size 31
expect_json "the proposed office is flagged out of area" '.effects[0].out_of_area' true
expect_json "open before any position: no objection yet" .explanation "adopted: no objection among 31 members"
c respond 1 --member JP --concur --at 2023-06-01
expect_err "Japan, a partner, is refused" 1 "partner"
c respond 1 --member SE --concur --at 2023-06-01
expect_err "Sweden, not yet a member, is refused" 1 "not yet a member"
c respond 1 --member XX --concur --at 2023-06-01
expect_err "an unknown member code is refused" 1 "unknown member code 'XX'"
c respond 1 --member FR --object --reason "NATO means North Atlantic" --at 2023-07-07
expect_rc "France objects" 0
check "respond reports the verdict" grep -q "blocked: FR objects" "$T/.out"
c conclude 1 --at 2023-07-10
expect_rc "the chair concludes" 0
c show 1 --json
expect_json "outcome blocked" .outcome blocked
expect_json "blocked by France" '.blocked_by | join(",")' FR
expect_json "explanation" .explanation "blocked: FR objects"
expect_json "history records France's objection" '[.history[] | select(.type=="position.stated") | .payload.member] | join(",")' FR
c offices --all --json --at 2023-05-03
check "the office list is unchanged" test "$out" = "$offices_before"
c respond 1 --member DE --concur --at 2023-07-11
expect_err "no position after conclusion" 1 "concluded"

# --- silence, adopted at the deadline, with an office effect ---------------
c propose --body NAC --title "Open an office in Geneva" --procedure silence \
	--deadline 2023-08-01T12:00:00Z \
	--effect 'open-office:id=test-geneva,name=Test office Geneva,city=Geneva,country=CH,lat=46.2044,lon=6.1432' \
	--at 2023-07-28T09:00:00Z
expect_rc "circulate under silence" 0
id=$out
c propose --body NAC --title late --procedure silence --deadline 2023-07-01 --at 2023-07-28
expect_err "a deadline in the past is refused" 1 "not after"
c respond "$id" --member HU --comment "we would like a briefing" --at 2023-07-29
expect_rc "a comment" 0
c show "$id" --json
expect_json "a comment does not break silence" .status open
c respond "$id" --member HU --object --at 2023-07-29
expect_err "breaking silence needs a reason" 1 "reason"
c extend "$id" --deadline 2023-07-31 --at 2023-07-29
expect_err "an extension must be later than the deadline" 1 "not after the current"
c extend "$id" --deadline 2023-08-02T12:00:00Z --at 2023-07-30
expect_rc "the secretariat extends the deadline" 0
c tick --now 2023-08-01T13:00:00Z
c show "$id" --json
expect_json "still open after the old deadline" .status open
c tick --now 2023-08-03T00:00:00Z
expect_rc "tick" 0
check "tick says what it concluded" grep -q "proposal $id concluded at 2023-08-02T12:00:00Z" "$T/.out"
c show "$id" --json
expect_json "adopted when the deadline passed unbroken" .outcome adopted
expect_json "concluded at the deadline, not at the tick" .concluded 2023-08-02T12:00:00Z
c offices --at 2023-08-03 --json
expect_json "the office was opened by the decision" \
	'.offices[] | select(.id=="test-geneva") | .decision' "$id"
c offices --at 2023-08-01 --json
expect_json "and not before it" '[.offices[] | select(.id=="test-geneva")] | length' 0

# --- silence broken ------------------------------------------------------
c propose --body NAC --title "Contingency planning" --procedure silence \
	--deadline 2003-02-10T11:00:00Z --at 2003-02-07T10:00:00Z
id=$out
c show "$id" --json
expect_json "19 allies in February 2003" .electorate_size 19
c respond "$id" --member FR --object --reason "letter of objection" --at 2003-02-10T08:00:00Z
expect_rc "France breaks silence" 0
c show "$id" --json
expect_json "broken silence ends it, blocked" .outcome blocked
expect_json "naming who broke it" .explanation "blocked: FR broke silence"
c respond "$id" --member DE --object --reason "also" --at 2003-02-10T09:00:00Z
expect_rc "a second letter before the deadline joins the break" 0
c show "$id" --json
expect_json "and the outcome names both" .explanation "blocked: FR, DE broke silence"
c respond "$id" --member BE --object --reason "late" --at 2003-02-10T11:00:00Z
expect_err "a letter after the deadline is refused" 1 "concluded"

# --- the same text moved to the DPC, where France did not sit -------------
c propose --body DPC --title "Defensive measures for Turkey" --at 2003-02-16T10:00:00Z
id=$out
c respond "$id" --member FR --concur --at 2003-02-16T11:00:00Z
expect_err "France was not in the DPC in 2003" 1 "not a member of the Defence Planning Committee"
c respond "$id" --member BE --reserve --at 2003-02-16T12:00:00Z
c conclude "$id" --at 2003-02-16T13:00:00Z
expect_err "a standing reservation holds conclusion" 1 "reservation by BE"
c respond "$id" --member BE --lift --at 2003-02-16T23:00:00Z
expect_rc "Belgium lifts its reservation" 0
c respond "$id" --member BE --lift --at 2003-02-16T23:30:00Z
expect_err "nothing left to lift" 1 "no reservation"
c respond "$id" --member TR --footnote "Turkey thanks the Allies" --at 2003-02-16T23:40:00Z
expect_rc "a footnote" 0
c conclude "$id" --at 2003-02-16T23:50:00Z
c show "$id" --json
expect_json "adopted in the DPC" .outcome adopted
expect_json "the footnote is on record" '.positions[] | select(.member=="TR") | .text' "Turkey thanks the Allies"

# --- recirculation starts a new silence period ----------------------------
c propose --body NAC --title "Statement" --text "v1" --procedure silence \
	--deadline 2024-01-10 --at 2024-01-05
id=$out
c respond "$id" --member PL --reserve --at 2024-01-06
c recirculate "$id" --text "v2" --deadline 2024-01-20 --at 2024-01-08
expect_rc "recirculate a revised text" 0
c show "$id" --json
expect_json "revision 2" .revision 2
expect_json "positions on the old text do not carry over" '[.positions[] | select(.position != "silent")] | length' 0
expect_json "both revisions kept" '.revisions | length' 2
c conclude "$id" --at 2024-01-12
expect_err "conclude before the silence deadline is refused" 1 "under silence until"

# --- reservation holds a silence at its deadline --------------------------
c propose --body NAC --title "Held" --procedure silence --deadline 2024-02-02 --at 2024-02-01
id=$out
c respond "$id" --member HU --reserve --at 2024-02-01T10:00:00Z
c tick --now 2024-02-03
c show "$id" --json
expect_json "a reservation holds the silence procedure open" .status open
expect_json "and says who holds it" .explanation "pending: reservation by HU"
c respond "$id" --member PL --concur --at 2024-02-04
expect_err "positions after the silence deadline are refused" 1 "silence period"
c respond "$id" --member HU --lift --at 2024-02-05
expect_rc "but a reservation may still be lifted" 0
c show "$id" --json
expect_json "which lets it conclude" .outcome adopted
expect_json "when the hold was lifted" .concluded 2024-02-05T00:00:00Z

# --- ratification: every member, no deadline ------------------------------
c propose --body NAC --procedure ratification --title "Accession Protocol: Sweden" \
	--effect 'admit-member:code=CY,name=Cyprus,effective=2024-03-07' --at 2022-07-05
id=$out
c show "$id" --json
expect_json "30 allies must ratify" '.outstanding | length' 30
c propose --body NAC --procedure ratification --title x --deadline 2023-01-01 --at 2022-07-06
expect_err "ratification has no deadline" 1 "only to the silence procedure"
c members --at 2022-07-05 --json
allies=$(printf '%s' "$out" | jq -r '.members[].code' | grep -v -e HU -e TR)
for m in $allies; do
	"$COUNCIL" respond "$id" --member "$m" --concur --at 2023-01-01 >/dev/null 2>&1 || echo "FAIL - ratify $m"
done
c respond "$id" --member TR --concur --at 2024-01-25
c show "$id" --json
expect_json "only Hungary outstanding" '.outstanding | join(",")' HU
expect_json "still open" .status open
c conclude "$id" --at 2024-02-01
expect_err "ratification is not concluded by the chair" 1 "ratification"
c respond "$id" --member HU --concur --at 2024-03-05
c show "$id" --json
expect_json "adopted when the last ratifies" .outcome adopted
expect_json "naming the last" .explanation "adopted: all 30 members ratified, the last HU"
c members --at 2024-03-07 --json
expect_json "the admitted member counts from its effective date" '[.members[].code] | index("CY") != null' true
c members --at 2024-03-06 --json
expect_json "and not before" '[.members[].code] | index("CY") == null' true

# --- withdraw ---------------------------------------------------------------
c propose --body MC --title "Advice" --at 2024-04-01
id=$out
c withdraw "$id" --reason "overtaken by events" --at 2024-04-02
c show "$id" --json
expect_json "withdrawn" .outcome withdrawn

# --- a command refused after the clock concluded keeps the conclusion -------
c propose --body NAC --title "Clock first" --procedure silence --deadline 2024-05-10 --at 2024-05-01
id=$out
c respond "$id" --member FR --object --reason "too late" --at 2024-05-11
expect_err "a position after the deadline is refused: the clock concluded first" 1 \
	"proposal $id was concluded on 2024-05-10T00:00:00Z (adopted"
c show "$id" --json
expect_json "and the record holds the conclusion the refusal names" .outcome adopted
c conclude "$id" --at 2024-05-12
expect_err "conclude after the clock did is refused, naming the outcome" 1 "was concluded on 2024-05-10"
c log --proposal "$id" --json
check "the clock's conclusion is recorded once" \
	test "$(grep -c '"type":"procedure.concluded"' "$T/.out")" = 1

c proposals --status blocked --json
expect_json "proposals --status filters" '.proposals | map(.id) | length' 2
c proposals --body DPC --json
expect_json "proposals --body filters" '.proposals | map(.body) | unique | join(",")' DPC

c verify
expect_rc "the store verifies after all of this" 0
