#!/bin/bash
# Registry queries through the real binary: member counts at every
# accession date (facts.md section 1), body membership (NPG, DPC), partners,
# offices and the treaty-area flag.
. "$(dirname "$0")/lib.sh"

c init --at 2026-11-27
expect_rc "init creates and seeds a store" 0
check "init reports 32 members and 4 bodies" grep -q "32 members, 4 bodies" "$T/.out"

c init
expect_err "init refuses an existing store" 1 "already exists"

# Alliance size the day before and on each accession date (hand-counted
# from facts.md: 12 founders; +GR,TR; +DE; +ES; +CZ,HU,PL; +7; +AL,HR;
# +ME; +MK; +FI; +SE).
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

c members --at 2023-02-30
expect_err "an impossible date is refused naming --at" 1 "--at: '2023-02-30'"
c members --at yesterday
expect_err "a malformed date is refused" 1 "not a valid ISO 8601"
