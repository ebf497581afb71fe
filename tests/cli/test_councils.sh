#!/bin/bash
# Issue 13, part 1, through the CLI: the Council of the EU, the UN
# Security Council and the OSCE as datasets (each loads into its own store
# and verifies), every scenario of theirs replays to its recorded outcome,
# and the procedures they need: the roll-call vote (yes, no, abstain, not
# participating, with the count), the EU's written procedure (refusable;
# counted at the deadline), a body's named rules and the OSCE's
# consensus-minus-one (decided without the State concerned).
. "$(dirname "$0")/lib.sh"

# --- every dataset loads and verifies; its scenarios replay ----------------
for d in eu-council:eu unsc:unsc osce:osce; do
	file=${d%%:*} name=${d##*:}
	export COUNCIL_DB="$T/$file.db"
	c init --dataset "$ROOT/data/$file.json" --at 2026-01-02T00:00:00Z
	expect_rc "data/$file.json loads into a store of its own" 0
	c verify
	expect_rc "the $file store verifies" 0
	n=0
	for s in "$ROOT"/scenarios/*.json; do
		[ "$(jq -r .dataset "$s")" = "$name" ] || continue
		n=$((n + 1))
		c replay --dataset "$ROOT/data/$file.json" "$s"
		expect_rc "$(basename "$s") replays to its recorded outcome" 0
		check "$(basename "$s") has sources" \
			test "$(jq '.sources | length' "$s")" -ge 1
	done
	check "data/$file.json has at least three scenarios" test "$n" -ge 3
done
check "every record of the datasets names its source" test "$(jq -s \
	'[.[] | (.members[], .bodies[]) | select((.source // "") == "")] | length' \
	"$ROOT"/data/eu-council.json "$ROOT"/data/unsc.json "$ROOT"/data/osce.json)" = 0

# --- the Security Council: a roll-call vote ---------------------------------
export COUNCIL_DB="$T/unsc.db"
c members --body SC --at 2011-03-17
check "fifteen members sit on the Council on 2011-03-17" \
	test "$(printf '%s\n' "$out" | grep -cE '^ *[A-Z]{2} ')" = 15
c propose --body SC --title "A draft" --procedure vote --at 2024-03-22T12:00:00Z
expect_rc "a draft put to a roll-call vote" 0
V=$out
c respond "$V" --member FR --concur --at 2024-03-22T12:01:00Z
expect_err "a vote takes votes, not positions" 1 "members vote yes, no, abstain or not-participating"
c vote "$V" --member FR --yes --text "An explanation of vote" --at 2024-03-22T12:01:00Z
expect_rc "France votes yes" 0
c vote "$V" --member FR --yes --text "An explanation of vote" --at 2024-03-22T12:02:00Z
expect_err "the same vote twice is refused" 1 "already yes"
c vote "$V" --member DE --yes --at 2024-03-22T12:02:00Z
expect_err "a state not on the Council in 2024 does not vote" 1 "DE"
c vote "$V" --member CN --yes --declare --at 2024-03-22T12:02:00Z
expect_err "only an abstention carries a declaration" 1 "only an abstention"
for m in EC JP MT MZ KR SL SI CH GB US; do
	c vote "$V" --member $m --yes --at 2024-03-22T12:03:00Z
done
c vote "$V" --member GY --abstain --at 2024-03-22T12:03:00Z
c vote "$V" --member DZ --no --at 2024-03-22T12:03:00Z
c vote "$V" --member CN --no --at 2024-03-22T12:03:00Z --receipt "$T/vote.json"
expect_rc "China's veto, with a receipt" 0
c log key
echo "$out" > "$T/vkey"
c receipt verify "$T/vote.json" --log-key "$T/vkey"
expect_rc "the vote's receipt verifies offline" 0
check "and proves China's vote" grep -q "vote.cast by delegation:CN" "$T/.out"
c vote "$V" --member RU --not-participating --at 2024-03-22T12:04:00Z \
	--receipt "$T/no/such/dir/r.json"
expect_err "a receipt that cannot be written refuses the vote" 1 "cannot write the receipt"
c vote "$V" --member RU --not-participating --at 2024-03-22T12:04:00Z
expect_rc "Russia recorded as not participating" 0
c show "$V" --json
expect_json "while open, the tally counts who has not voted" .tally.not_voted 0
expect_json "and not participating apart from abstaining" .tally.not_participating 1
expect_json "the roll names who voted no" '.votes.no | join(",")' "CN,DZ"
expect_json "each position says the vote" '.positions[] | select(.member == "RU") | .vote' not-participating
c conclude "$V" --at 2024-03-22T12:05:00Z
expect_rc "the chair closes the vote" 0
c show "$V" --json
expect_json "a permanent member's no vetoes" .explanation "blocked: veto by CN"
expect_json "absence is no veto" '.blocked_by | join(",")' CN
expect_json "the conclusion's count (11-2-1, one not participating)" \
	'.tally | "\(.yes)-\(.no)-\(.abstain)-\(.not_participating)"' "11-2-1-1"
c log
check "the log holds vote.cast events" grep -q "vote.cast" "$T/.out"
c propose --body SC --title "Procedure" --procedure vote --rule procedural --at 2024-03-22T13:00:00Z
P=$out
for m in EC JP MT MZ KR SL SI CH GB; do c vote "$P" --member $m --yes --at 2024-03-22T13:01:00Z; done
c vote "$P" --member US --no --at 2024-03-22T13:01:00Z
c conclude "$P" --at 2024-03-22T13:02:00Z
c show "$P" --json
expect_json "a procedural vote: nine yes, no veto" .outcome adopted
expect_json "the named rule is on the proposal" .rule_name procedural
c propose --body SC --title "X" --rule nonsense --at 2024-03-22T14:00:00Z
expect_err "an unknown rule name is refused, the known ones listed" 1 "its rules: procedural, substantive"

# Every year from 2006 to 2026 seats fifteen: the five permanent members
# and ten elected ones, on the first day of the year and in mid-year.
for y in $(seq 2006 2026); do
	for day in 01-01 07-01; do
		c members --body SC --at "$y-$day"
		seated=$(printf '%s\n' "$out" | grep -oE '^ *[A-Z]{2} ' | tr -d ' ' | sort | tr '\n' ' ')
		p5=$(printf '%s\n' $seated | grep -cxE 'CN|FR|GB|RU|US')
		check "$y-$day: fifteen on the Council, five of them permanent ($seated)" \
			test "$(printf '%s\n' $seated | wc -l)-$p5" = "15-5"
	done
done
check "each year's list is the five and the states whose terms hold that year" \
	test "$(jq '[.members as $m | .bodies[0].membership[]
		| (.from // "2006-01-01") as $d
		| select((.members | sort) != ([$m[] | select(.permanent or any(.terms[]?;
			.from <= $d and $d < .to)) | .code] | sort))] | length' \
		"$ROOT/data/unsc.json")" = 0
c members --body SC --at 2008-06-01
check "2008: Libya, Viet Nam, Burkina Faso, Costa Rica, Croatia beside the 2007 cohort" \
	test "$(printf '%s\n' "$out" | grep -oE '^ *[A-Z]{2} ' | tr -d ' ' | sort | tr '\n' ' ')" \
	= "BE BF CN CR FR GB HR ID IT LY PA RU US VN ZA "
c propose --body SC --title "A 2008 draft" --procedure vote --at 2008-06-01T12:00:00Z --json
expect_json "a draft of 2008 goes before the fifteen of 2008" .electorate_size 15

# --- the Council of the EU: figures of the year, the written procedure -------
export COUNCIL_DB="$T/eu-council.db"
c propose --body COUNCIL --title "A 2024 act" --at 2024-06-17T12:00:00Z
expect_err "a 2024 vote needs the 2024 figures of every state" 1 "no population_share in force on 2024-06-17"
expect_err "the refusal names the first state whose 2024 figure is missing" 1 "AT has no population_share"
c propose --body COUNCIL --title "A 2024 act" --rule unanimity --at 2024-06-17T12:00:00Z
expect_rc "a 2024 vote under a rule that weighs no one needs no figure" 0
c propose --body COUNCIL --title "A 2025 act" --at 2025-03-03T12:00:00Z --json
expect_json "a 2025 vote counts the 2025 figures" .weights.population_share.DE 18.49
c propose --body COUNCIL --title "Urgent" --procedure written --at 2025-03-03T12:00:00Z
expect_err "the written procedure needs a deadline" 1 "needs a deadline"
c propose --body COUNCIL --title "Urgent" --procedure written \
	--deadline 2025-03-04T12:00:00Z --at 2025-03-03T12:00:00Z
W=$out
c vote "$W" --member HU --refuse "" --at 2025-03-03T13:00:00Z
expect_err "a refusal needs its reason" 1 "needs a reason"
c conclude "$W" --at 2025-03-03T13:00:00Z
expect_err "not closed early while members have not voted" 1 "have not voted"
c vote "$W" --member HU --refuse "Not urgent: to the Council" --at 2025-03-03T13:00:00Z
expect_rc "Hungary refuses the written procedure" 0
c show "$W" --json
expect_json "one refusal ends it" .explanation "blocked: HU did not agree to the written procedure"
expect_json "the refusal is on Hungary's ballot" '.positions[] | select(.member == "HU") | .refused_procedure' true
c propose --body COUNCIL --title "Urgent 2" --procedure written --rule simple-majority \
	--deadline 2025-03-04T12:00:00Z --at 2025-03-03T14:00:00Z
W2=$out
for m in AT BE BG HR CY CZ DK EE FI FR DE GR HU IE; do
	c vote "$W2" --member $m --yes --at 2025-03-03T15:00:00Z
done
c vote "$W2" --member IT --abstain --at 2025-03-03T15:00:00Z
c tick --now 2025-03-04T12:00:00Z
expect_rc "the clock reaches the written deadline" 0
c show "$W2" --json
expect_json "counted at the deadline" .concluded 2025-03-04T12:00:00Z
expect_json "14 of 27 is a simple majority" .outcome adopted
expect_json "the silent are not participating" '.tally.not_participating' 12
c vote "$W2" --member PL --yes --at 2025-03-04T12:30:00Z
expect_err "no vote after the written procedure" 1 "concluded"

# --- the OSCE: consensus minus one -----------------------------------------
export COUNCIL_DB="$T/osce.db"
c propose --body PC --title "Measures" --rule consensus-minus-one --at 2025-05-05T12:00:00Z
expect_err "consensus-minus-one needs the State concerned" 1 "name it (field 'concerned')"
c propose --body PC --title "Measures" --concerned RU --at 2025-05-05T12:00:00Z
expect_err "the State concerned only under such a rule" 1 "marked 'concerned'"
c propose --body PC --title "Measures" --rule consensus-minus-one --concerned RU --at 2025-05-05T12:00:00Z --json
expect_json "decided without the State concerned" .electorate_size 56
expect_json "who is concerned is on record" .concerned RU
M=$(printf '%s' "$out" | jq -r .id)
c respond "$M" --member RU --object --at 2025-05-05T13:00:00Z
expect_err "it takes no part" 1 "is the State concerned"
c respond "$M" --member BY --object --at 2025-05-05T13:00:00Z
c show "$M" --json
expect_json "any other State's objection blocks" '.blocked_by | join(",")' BY
c propose --body PC --title "Text" --procedure silence --deadline 2025-05-12T12:00:00Z --at 2025-05-05T14:00:00Z
S=$out
c respond "$S" --member FR --amend "A new paragraph" --at 2025-05-06T12:00:00Z
c show "$S" --json
expect_json "an amendment breaks the OSCE's silence" .outcome blocked
