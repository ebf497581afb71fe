#!/bin/bash
# Registry queries through the real binary: member counts at every
# accession date (data/nato.json, whose records cite their sources), body
# membership (NPG, DPC, MC), partners and their dated status, offices,
# days that are not known, and the treaty-area flag.
. "$(dirname "$0")/lib.sh"

c init --at 2026-11-27
expect_rc "init creates and seeds a store" 0
check "init reports 32 members and 4 bodies" grep -q "32 members, 4 bodies" "$T/.out"

c init
expect_err "init refuses an existing store" 1 "already exists"

# Alliance size the day before and on each accession date (hand-counted:
# 12 founders; +GR,TR; +DE; +ES; +CZ,HU,PL; +7; +AL,HR; +ME; +MK; +FI;
# +SE).
while read -r day want; do
	c members --at "$day" --json
	expect_json "members on $day: $want" .count "$want"
done <<'EOF2'
1949-08-23 0
1949-08-24 12
1952-02-17 12
1952-02-18 14
1955-05-05 14
1955-05-06 15
1982-05-29 15
1982-05-30 16
1999-03-11 16
1999-03-12 19
2004-03-28 19
2004-03-29 26
2009-03-31 26
2009-04-01 28
2017-06-04 28
2017-06-05 29
2020-03-26 29
2020-03-27 30
2023-04-03 30
2023-04-04 31
2024-03-06 31
2024-03-07 32
2026-11-27 32
EOF2

c members --at 2023-04-04 --json
expect_json "Finland is the 31st member on 2023-04-04" '[.members[].code] | index("FI") != null' true
expect_json "Sweden is not a member on 2023-04-04" '[.members[].code] | index("SE") == null' true

c members --body NPG --at 2026-11-27 --json
expect_json "NPG has 31 members in 2026" .count 31
expect_json "NPG excludes France" '[.members[].code] | index("FR") == null' true

c members --body DPC --at 2003-02-16 --json
expect_json "DPC excludes France in 2003" '[.members[].code] | index("FR") == null' true
expect_json "DPC has 18 members in Feb 2003 (19 allies less France)" .count 18
c members --body DPC --at 1964-01-01 --json
expect_json "France sat in the DPC in 1964" '[.members[].code] | index("FR") != null' true
c members --body DPC --at 2011-01-01 --json
expect_json "the DPC has no members after its dissolution" .count 0

c members --body NAC --at 2023-07-07 --json
expect_json "NAC on 2023-07-07 has the 31 allies of the day" .count 31

c members --body XYZ
expect_err "unknown body is refused" 1 "unknown body 'XYZ'"

c bodies --json
expect_json "four bodies" '.bodies | length' 4
expect_json "NAC decides by consensus" '.bodies[] | select(.id=="NAC") | .rule' consensus

c partners --json
expect_json "Japan is a partner across the globe" \
	'.partners[] | select(.code=="JP") | .framework' partners-across-the-globe
expect_json "Sweden is no longer a partner" '[.partners[].code] | index("SE") == null' true
check "every partner has a source" test "$(printf '%s' "$out" | jq '[.partners[] | select(.source == null or .source == "")] | length')" = 0

c offices --all --json
expect_json "every office has a source" '[.offices[] | select(.source == null or .source == "")] | length' 0
expect_json "no Tokyo office in the registry" '[.offices[].city] | index("Tokyo") == null' true
expect_json "offices outside member territory are flagged out of area" \
	'[.offices[] | select(.country=="GE") | .out_of_area] | all' true
expect_json "the New York liaison is in area (United States)" \
	'[.offices[] | select(.country=="US") | .out_of_area] | any' false
c offices --at 2021-12-01 --json
expect_json "NIO Moscow closed from 2021-11-01" '[.offices[] | select(.id=="nio-moscow")] | length' 0
c offices --at 2010-01-01 --json
expect_json "NIO Moscow open in 2010" '[.offices[] | select(.id=="nio-moscow")] | length' 1
c offices --at 2024-01-01 --json
expect_json "Geneva's office cannot be open before its host agreement" '[.offices[] | select(.id=="nlo-geneva")] | length' 0

# ---- a state is a member or a partner, never both --------------------------
c partners --at 2010-01-01 --json
expect_json "Finland is a partner in 2010" '.partners[] | select(.code=="FI") | .status' active
c members --at 2010-01-01 --json
expect_json "Finland is not a member in 2010" '[.members[].code] | index("FI") == null' true
c partners --at 2024-01-01 --json
expect_json "Finland is no partner in 2024" '[.partners[].code] | index("FI") == null' true
c members --at 2024-01-01 --json
expect_json "Finland is a member in 2024" '[.members[].code] | index("FI") != null' true
ok_never_both=1
for y in 1990 1995 1999 2004 2009 2017 2020 2023 2024 2026; do
	c members --at "$y-06-01" --json
	m=$(printf '%s' "$out" | jq -c '[.members[].code]')
	c partners --at "$y-06-01" --json
	both=$(printf '%s' "$out" | jq -r --argjson m "$m" '[.partners[].code | select(. as $c | $m | index($c))] | join(" ")')
	[ -z "$both" ] || { ok_never_both=0; echo "    $y-06-01: both $both"; }
done
check "no state is a member and a partner on the same day" test "$ok_never_both" = 1
c propose --body NAC --title "Kosovo" --at 2025-06-01 \
	--effect admit-member:code=XK,name=Kosovo,effective=2025-07-01 \
	--effect add-partner:code=XK,name=Kosovo,framework=partnership-for-peace
expect_err "admitting a state and adding it as a partner at once is refused" 1 \
	"XK cannot be both a member and a partner"
c proposals --json
expect_json "the refused proposal left no trace" '.count' 0
# A partner admitted as a member from a date before its partnership began
# would be both on the partnership's first day: refused when proposed, not
# left open to fail at its conclusion (Colombia: a partner since 2017-05).
c propose --body NAC --title "Colombia, backdated" \
	--effect admit-member:code=CO,name=Colombia,effective=2010-01-01
expect_err "admitting a partner before its partnership began is refused when proposed" 1 \
	"effect 1 (admit-member): CO cannot be both a member and a partner: it would be both on 2017-05-01"
c proposals --json
expect_json "the backdated admission left no trace" '.count' 0
c propose --body NAC --title "Colombia" \
	--effect admit-member:code=CO,name=Colombia,effective=2030-01-01
expect_rc "admitting a partner after its partnership began is proposed" 0

# ---- partners' status on the date asked -------------------------------------
c partners --at 2026-11-27 --json
expect_json "38 partners on 2026-11-27" .count 38
expect_json "Russia is not an active partner today" \
	'.partners[] | select(.code=="RU") | .status' suspended
expect_json "Russia's suspension dates from 2014-04-01" \
	'.partners[] | select(.code=="RU") | .status_period.from' 2014-04-01
expect_json "three partners are suspended today" \
	'[.partners[] | select(.status=="suspended") | .code] | sort | join(" ")' "AF BY RU"
c partners --at 2026-11-27
check "the partners table shows Russia suspended" grep -Eq '^RU +Russia +1994-06-22 +suspended +partnership-for-peace$' "$T/.out"
c partners --at 2010-01-01 --json
expect_json "Russia was an active partner in 2010" \
	'.partners[] | select(.code=="RU") | .status' active

# ---- a day that is not known is not "forever" -------------------------------
c partners --at 1960-01-01 --json
expect_json "no partners in 1960" .count 0
c partners --at 1994-08-03 --json
expect_json "23 partners on 1994-08-03 (22 in PfP, and Japan)" .count 23
c offices --at 1950-01-01 --json
expect_json "no office open in 1950" .count 0
c offices --at 2010-01-01 --json
expect_json "the Astana office is counted from its sourced bound" \
	'.offices[] | select(.id=="nlo-central-asia-astana") | .date_unknown.opened.bound' opened_not_before
c partners --at 2026-11-27 --json
expect_json "Kuwait's unknown joining day says so" \
	'.partners[] | select(.code=="KW") | .date_unknown.since.bound' known_partner_by

# ---- the Military Committee and France --------------------------------------
c members --body MC --at 1965-01-01 --json
expect_json "France sat in the MC in 1965" '[.members[].code] | index("FR") != null' true
c members --body MC --at 1980-01-01 --json
expect_json "France was out of the MC in 1980" '[.members[].code] | index("FR") == null' true
c members --body MC --at 1996-01-01 --json
expect_json "France sat in the MC again in 1996" '[.members[].code] | index("FR") != null' true

# ---- the NATO offices in Moscow ---------------------------------------------
c offices --all --at 2022-01-01 --json
expect_json "NIO Moscow closed" '.offices[] | select(.id=="nio-moscow") | .status' closed
expect_json "MLM Moscow suspended" '.offices[] | select(.id=="mlm-moscow") | .status' suspended
expect_json "no Moscow office is open in 2022" '[.offices[] | select(.city=="Moscow" and .open)] | length' 0
expect_json "the documentation centre's state is unknown, not open" \
	'.offices[] | select(.id=="nato-documentation-centre-moscow") | .status' unknown

c members --at 2023-02-30
expect_err "an impossible date is refused naming --at" 1 "--at: '2023-02-30'"
c members --at yesterday
expect_err "a malformed date is refused" 1 "not a valid ISO 8601"

# ---- a page at a time: --limit and --after -----------------------------------
# Each list read in pages of 7, each page's --json `next` the --after of the
# next, gives the whole list once, in its order; each page's table ends
# with the same cursor ("more: --after KEY"), the last page's with none.
# walk CMD KEY [ARG...]: the keys of every page, one a line, into $T/paged
walk() {
	local cmd=$1 key=$2 after="" next n=0
	shift 2
	: >"$T/paged"
	while [ "$n" -lt 100 ]; do
		"$COUNCIL" "$cmd" "$@" --limit 7 ${after:+--after "$after"} --json >"$T/page.json" || return 1
		jq -r ".${cmd}[].${key}" "$T/page.json" >>"$T/paged"
		[ "$(jq '.count' "$T/page.json")" = "$(jq ".${cmd} | length" "$T/page.json")" ] || return 1
		next=$(jq -r '.next // empty' "$T/page.json")
		# the table of the same page: its last line names the same cursor
		"$COUNCIL" "$cmd" "$@" --limit 7 ${after:+--after "$after"} >"$T/page.txt" || return 1
		if [ -n "$next" ]; then
			[ "$(tail -1 "$T/page.txt")" = "more: --after $next" ] || return 1
		else
			! grep -q '^more:' "$T/page.txt" || return 1
			return 0
		fi
		after=$next n=$((n + 1))
	done
	return 1
}
for list in "members code --all" "members code --body NPG --at 2024-01-01" \
	"partners code --at 2024-01-01" "offices id --all"; do
	set -- $list
	"$COUNCIL" "$1" "${@:3}" --json | jq -r ".${1}[].${2}" >"$T/whole"
	run walk "$@"
	check "$1 ${*:3}: pages of 7 give the whole list once, in order ($(wc -l <"$T/whole") records)" \
		sh -c '[ "$0" = 0 ] && cmp -s "$1" "$2" && [ "$(wc -l <"$1")" -gt 7 ]' "$rc" "$T/paged" "$T/whole"
done
c partners --at 2024-01-01 --limit 3
first3=$("$COUNCIL" partners --at 2024-01-01 --limit 3 --json | jq -r '.partners[2].code')
check "a table page ends with the next page's cursor (more: --after $first3)" \
	test "$(printf '%s\n' "$out" | tail -1)" = "more: --after $first3"
last=$("$COUNCIL" offices --all --json | jq -r '.offices[-1].id')
c offices --all --after "$last" --json
expect_json "after the last record: an empty page" .count 0
expect_json "... and no next page" .next null
c offices --all --limit 3 --after "$last"
check "... whose table names no next page" sh -c '! grep -q "more:" "$0"' "$T/.out"
c members --after ZZ
expect_err "an --after no record has is refused, naming it" 1 "--after: no item 'ZZ' in this list"
c partners --limit 0
expect_err "--limit 0 is refused" 2 "--limit: '0' is not a number in 1..1000"
c offices --limit 1001
expect_err "--limit past the maximum is refused" 2 "--limit: '1001' is not a number in 1..1000"
