#!/bin/bash
# Issue 15 through the CLI: rules as data end to end (EU qualified majority
# weighed by dated population figures; bodies defined and amended by
# decision), the silence procedure as practised (joint letters, allies
# joining a break, the OSCE's amendment, a broken matter taken up again),
# time kept in order, and who did what (decisions are the body's, signed
# positions and public footnotes shown).
. "$(dirname "$0")/lib.sh"
EU="$ROOT/tests/data/eu.json"
export COUNCIL_DB="$T/eu.db"

# --- EU qualified majority, weighed by the figures of the day ---------------
c init --dataset "$EU" --at 2023-01-02
expect_rc "an EU store from the test dataset" 0
EU_STATES="BE BG CZ DK DE EE IE GR ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE"
# eu_vote TITLE DAY AGAINST...: a proposal to the Council on DAY, the states
# AGAINST objecting and all others concurring, concluded; $out is its view.
eu_vote() {
	local title=$1 day=$2 id m
	shift 2
	c propose --body COUNCIL --title "$title" --at "${day}T09:00:00Z"
	id=$out
	for m in $EU_STATES; do
		case " $* " in
		*" $m "*) c respond "$id" --member "$m" --object --at "${day}T10:00:00Z" ;;
		*) c respond "$id" --member "$m" --concur --at "${day}T10:00:00Z" ;;
		esac
	done
	c conclude "$id" --at "${day}T11:00:00Z"
	c show "$id" --json
}

eu_vote "A directive" 2024-03-01 DE FR IT
expect_json "the population of 2024 is frozen into the proposal" .weights.population.DE 83445000
expect_json "for every state of the electorate" '.weights.population | length' 27
expect_json "three large states against are no blocking minority" .explanation \
	"adopted: 24 concur >= 55% of 27 electorate (15); 3 object|abstain|silent < 4"
eu_vote "Another directive" 2024-03-02 DE FR IT ES
expect_json "four states of 57.8% make the blocking minority" .explanation \
	"failed: population 42.24% < 65% of electorate; 4 object|abstain|silent, at most 3 allowed"
eu_vote "A third" 2024-03-03 HU SK
expect_json "25 states of 96.66% adopt" .explanation \
	"adopted: 25 concur >= 55% of 27 electorate (15); population 96.66% >= 65% of electorate; 2 object|abstain|silent < 4"

c propose --body COUNCIL --title "In 2023" --at 2023-06-01
expect_err "no figure in force in 2023: refused, naming what is missing" 1 \
	"the rule weighs members by population, and BE has no population in force on 2023-06-01"
c verify
expect_rc "the record verifies" 0

# --- bodies defined by decision ----------------------------------------------
export COUNCIL_DB="$T/nato.db"
c init --at 2023-01-01
c body add EPC --by NAC --name "Euro-Atlantic Planning Committee" \
	--rule "count(concur) >= 2/3 of electorate" --membership all-except:FR \
	--at 2024-01-10T09:00:00Z
expect_rc "body add puts a proposal to the NAC" 0
epc=$out
c show "$epc" --json
expect_json "carrying an establish-body effect" '.effects[0].type' establish-body
expect_json "titled after the body" .title "Establish the Euro-Atlantic Planning Committee"
c bodies --json --at 2024-01-11
expect_json "nothing changes before the NAC decides" '[.bodies[] | select(.id=="EPC")] | length' 0
c propose --body EPC --title x --at 2024-01-11
expect_err "so nothing can be put to it yet" 1 "unknown body 'EPC'"
c conclude "$epc" --at 2024-01-11T09:00:00Z
expect_rc "the NAC adopts it" 0
c bodies --json --at 2024-01-12
expect_json "the body exists, with its rule" '.bodies[] | select(.id=="EPC") | .rule' \
	"count(concur) >= 2/3 of electorate"
expect_json "and the decision that made it" '.bodies[] | select(.id=="EPC") | .decision' "$epc"
c members --body EPC --at 2024-01-12 --json
expect_json "France is not in it" '[.members[] | select(.code=="FR")] | length' 0
c body add BAD --by NAC --name Bad --rule "count(concur) => 2" --at 2024-01-12
expect_err "a rule that does not parse is refused when proposed" 1 "rule: column 15"
c body add NAC --by NAC --name Again --rule consensus --at 2024-01-12
expect_err "an id in use is refused" 1 "a body 'NAC' is already in the registry"

c body amend NPG --by NAC --membership all --rule unanimity --from 2024-06-01 \
	--at 2024-02-01T09:00:00Z
expect_rc "body amend puts a proposal to the NAC" 0
amend=$out
c conclude "$amend" --at 2024-02-01T10:00:00Z
c members --body NPG --at 2024-05-31 --json
expect_json "France is outside the NPG before the effective date" '[.members[] | select(.code=="FR")] | length' 0
c members --body NPG --at 2024-06-01 --json
expect_json "and in it from that date" '[.members[] | select(.code=="FR")] | length' 1
c propose --body NPG --title before --at 2024-05-01
before=$out
c propose --body NPG --title after --at 2024-07-01
after=$out
c show "$before" --json
expect_json "a procedure opened before it keeps the old rule" .rule consensus
c show "$after" --json
expect_json "one opened after it takes the new" .rule unanimity
c body amend NPG --by NAC --rule consensus --from 2024-01-01 --at 2024-08-01
expect_err "an amendment never takes effect before its decision" 1 "before the decision"
c verify
expect_rc "the amended registry verifies" 0

# --- the silence procedure as practised ----------------------------------------
c propose --body NAC --title "Defensive measures for Turkey" --procedure silence \
	--deadline 2003-02-10T11:00:00Z --at 2003-02-06T16:00:00Z
sil=$out
c respond "$sil" --member FR --object --joint BE,DE \
	--reason "Premature while the inspections go on" --at 2003-02-10T08:00:00Z
expect_rc "a joint letter of three breaks silence" 0
check "and says who" grep -q "blocked: FR, BE, DE broke silence" "$T/.out"
c respond "$sil" --member LU --object --reason "so do we" --at 2003-02-10T09:00:00Z
expect_rc "an ally writing before the deadline joins the break" 0
c show "$sil" --json
expect_json "the outcome names them all" .explanation "blocked: FR, BE, DE, LU broke silence"
expect_json "blocked by all four" '.blocked_by | join(",")' "FR,BE,DE,LU"
expect_json "each letter recorded, who and when" '[.breaks[] | (.members | join("+")) + "@" + .at] | join(" ")' \
	"FR+BE+DE@2003-02-10T08:00:00Z LU@2003-02-10T09:00:00Z"
expect_json "with its reason on each position" '.positions[] | select(.member=="DE") | .text' \
	"Premature while the inspections go on"
c show "$sil"
check "show lists the letters" grep -q "broken      2003-02-10T08:00:00Z by FR, BE, DE (joint letter)" "$T/.out"
c respond "$sil" --member NL --object --reason late --at 2003-02-10T12:00:00Z
expect_err "no letter after the deadline" 1 "concluded"
c respond "$sil" --member FR --object --reason again --at 2003-02-10T09:30:00Z
expect_err "nor a second one from the same ally" 1 "FR broke silence on proposal $sil already"
c log --json
check "the conclusion is the NAC's decision, the letter the delegation's" \
	test "$(printf '%s\n' "$out" | jq -r "select(.payload.proposal==$sil or .payload.id==$sil) | .type + \"=\" + .actor" | tr '\n' ' ')" \
	= "proposal.created=secretariat silence.broken=delegation:FR procedure.concluded=body:NAC silence.broken=delegation:LU "
c recirculate "$sil" --text "Revised: planning only" --deadline 2003-02-13T11:00:00Z \
	--at 2003-02-10T10:00:00Z
expect_rc "the secretariat recirculates a revised text" 0
check "as a new proposal, under silence" grep -q "open: silence holds so far" "$T/.out"
next=$((sil + 1))
c show "$next" --json
expect_json "which supersedes the broken one" .supersedes "$sil"
expect_json "with the revised text" .text "Revised: planning only"
expect_json "and the matter's history before it" '.earlier[0].proposal' "$sil"
c show "$sil" --json
expect_json "the broken one says what took it up" .superseded_by "$next"
c show "$next"
check "show prints both histories" grep -q "earlier, as proposal $sil" "$T/.out"

# The OSCE: silence is broken by an objection or a proposed amendment.
c propose --body NAC --title "OSCE-style" --procedure silence --breaks object,amend \
	--deadline 2024-03-10T12:00:00Z --at 2024-03-01
osce=$out
c respond "$osce" --member TR --amend "add: 'within existing resources'" --at 2024-03-02
expect_rc "a proposed amendment breaks it" 0
c show "$osce" --json
expect_json "blocked, naming the ally" .explanation "blocked: TR broke silence"
expect_json "by an amendment" '.breaks[0].kind' amend
c propose --body NAC --title "NATO-style" --procedure silence \
	--deadline 2024-03-10T12:00:00Z --at 2024-03-01
nato=$out
c respond "$nato" --member TR --amend "add: 'within existing resources'" --at 2024-03-02
expect_err "where only an objection breaks silence, an amendment is refused" 1 "only an objection breaks silence"

# --- time ------------------------------------------------------------------------
c propose --body NAC --title "In order" --at 2024-04-01
ord=$out
c respond "$ord" --member FR --concur --at 2024-04-03
c conclude "$ord" --at 2024-04-02
expect_err "a conclusion dated before a position it counts is refused" 1 \
	"is before the latest event of proposal $ord (2024-04-03T00:00:00Z)"
c respond "$ord" --member PL --concur --at 2099-01-01
expect_err "a position dated in the future is refused" 1 "is in the future"
check "saying what to do, without naming a flag" grep -q "give a time at or before now" "$T/.err"
c tick --now 2099-01-01
expect_err "so is a tick" 1 "is in the future"
run "$COUNCIL" --db "$T/future.db" init --at 2099-01-01
expect_err "and a store seeded in the future" 1 "is in the future"
run "$COUNCIL" --db "$T/far.db" init --at 9999-12-31T23:59:59Z
expect_err "or at the end of 9999" 1 "is in the future"
check "leaving no store behind" test ! -e "$T/far.db"

# --- who did what ------------------------------------------------------------------
c propose --body NAC --title "Accession of Cyprus (a test)" --procedure ratification \
	--effect "admit-member:code=CY,name=Cyprus,effective=2024-06-01" --at 2024-05-01
rat=$out
c members --json --at 2024-05-01
for m in $(printf '%s' "$out" | jq -r '.members[].code' | grep -v HU); do
	c respond "$rat" --member "$m" --concur --at 2024-05-02
done
c respond "$rat" --member HU --concur --at 2024-05-03
check "the last ratification adopts it" grep -q "adopted: all 32 members ratified, the last HU" "$T/.out"
c log --json
check "the ratification is Hungary's, the conclusion and the admission the NAC's" \
	test "$(printf '%s\n' "$out" | jq -r 'select(.type=="member.admitted" or (.type=="procedure.concluded" and .payload.proposal=='"$rat"') or (.type=="position.stated" and .payload.proposal=='"$rat"' and .payload.member=="HU")) | .type + "=" + .actor' | tr '\n' ' ' | sed 's/^member.admitted=dataset.*member.admitted=dataset //')" \
	= "position.stated=delegation:HU procedure.concluded=body:NAC member.admitted=body:NAC "

c propose --body NAC --title "Signed and public" --at 2024-06-01
sp=$out
c keygen --name FR-2024 --out "$T/fr.key"
c key register --member FR --vkey "$T/fr.key.pub" --at 2024-06-01
c respond "$sp" --member FR --concur --sign "$T/fr.key" --at 2024-06-02
expect_rc "France concurs, signed" 0
c respond "$sp" --member TR --footnote "Türkiye recalls its position" --public --at 2024-06-02
expect_rc "Türkiye's footnote, made public" 0
c respond "$sp" --member GR --footnote "Greece notes" --at 2024-06-02
c respond "$sp" --member GR --concur --public --at 2024-06-02
expect_err "only a footnote is made public" 1 "only a footnote is made public"
c show "$sp" --json
expect_json "the signed position says so, with its key" \
	'.positions[] | select(.member=="FR") | [.signed, .key] | map(tostring) | join(" ")' "true FR-2024"
expect_json "an unsigned one does not" '[.positions[] | select(.signed)] | length' 1
expect_json "nothing is published while open" '.footnotes' null
c show "$sp"
check "show says who signed with which key" grep -q "signed      FR concur, with key FR-2024" "$T/.out"
c conclude "$sp" --at 2024-06-03
c show "$sp" --json
expect_json "once adopted, the public footnote is published" '.footnotes | map(.member + ": " + .text) | join("; ")' \
	"TR: Türkiye recalls its position"
c verify
expect_rc "the record verifies" 0

# --- the February 2003 case, replayed ----------------------------------------------
c replay "$ROOT/scenarios/nac-2003-turkey.json" --json
expect_rc "the 2003 scenario replays" 0
expect_json "the NAC silence, broken by three" '.proposals[0].explanation' "blocked: FR, BE, DE broke silence"
expect_json "taken up by the DPC" '.proposals[0].superseded_by' 2
expect_json "which adopted it" '.proposals[1].outcome' adopted
