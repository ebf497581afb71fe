#!/bin/bash
# Scenario files are strict: a misspelt key, a key that does not belong to
# the step's `do`, a value of the wrong type, or a scenario written for
# another alliance is refused with a message naming it, instead of being
# ignored (a typo in an `expect` would otherwise make it check nothing).
. "$(dirname "$0")/lib.sh"

# scenario NAME STEPS-JSON [TOP-LEVEL-FIELDS]: write $T/NAME.json
scenario() {
	printf '{%s"steps": %s}\n' "${3:+$3, }" "$2" >"$T/$1.json"
}
# A meeting of the NAC, blocked by France: the base most cases extend.
BASE='{"at": "2023-05-03", "do": "propose", "as": "p", "body": "NAC", "title": "T", "procedure": "meeting"},
 {"at": "2023-06-01", "do": "respond", "proposal": "$p", "member": "FR", "position": "object", "text": "no"},
 {"at": "2023-06-02", "do": "conclude", "proposal": "$p"}'

scenario good "[$BASE, {\"do\": \"expect\", \"proposal\": \"\$p\", \"outcome\": \"blocked\"}]"
c replay "$T/good.json"
expect_rc "a well-formed scenario replays" 0

# --- expect ---------------------------------------------------------------
scenario outcom "[$BASE, {\"do\": \"expect\", \"proposal\": \"\$p\", \"outcom\": \"adopted\"}]"
c replay "$T/outcom.json"
expect_err "expect refuses a misspelt key ('outcom')" 1 "step 4 (expect): unknown key 'outcom'"
check "and the message lists the keys expect takes" grep -qF "outcome" "$T/.err"

scenario wrong-outcome "[$BASE, {\"do\": \"expect\", \"proposal\": \"\$p\", \"outcome\": \"adopted\"}]"
c replay "$T/wrong-outcome.json"
expect_err "a correct key still checks (outcome differs)" 1 "expected outcome adopted, found blocked"

scenario orphan "[$BASE, {\"do\": \"expect\", \"outcome\": \"blocked\"}]"
c replay "$T/orphan.json"
expect_err "expect refuses a proposal check without 'proposal'" 1 "'outcome' needs 'proposal'"

scenario size-type "[$BASE, {\"do\": \"expect\", \"proposal\": \"\$p\", \"electorate_size\": \"31\"}]"
c replay "$T/size-type.json"
expect_err "expect refuses a value of the wrong type" 1 "'electorate_size' must be an integer"

scenario other-do "[$BASE, {\"do\": \"expect\", \"proposal\": \"\$p\", \"member\": \"FR\"}]"
c replay "$T/other-do.json"
expect_err "expect refuses a key of another step ('member')" 1 "unknown key 'member'"

# --- every other step -----------------------------------------------------
scenario propose-typo '[{"at": "2023-05-03", "do": "propose", "body": "NAC", "title": "T", "procedur": "silence"}]'
c replay "$T/propose-typo.json"
expect_err "propose refuses a misspelt key" 1 "step 1 (propose): unknown key 'procedur'"

scenario respond-typo "[$BASE, {\"do\": \"respond\", \"proposal\": \"\$p\", \"member\": \"DE\", \"postion\": \"concur\"}]"
c replay "$T/respond-typo.json"
expect_err "respond refuses a misspelt key" 1 "unknown key 'postion'"

scenario respond-deadline "[$BASE, {\"do\": \"respond\", \"proposal\": \"\$p\", \"member\": \"DE\", \"position\": \"concur\", \"deadline\": \"2023-07-01\"}]"
c replay "$T/respond-deadline.json"
expect_err "respond refuses a key that belongs to another step" 1 "unknown key 'deadline'"

scenario conclude-text "[$BASE, {\"do\": \"conclude\", \"proposal\": \"\$p\", \"text\": \"x\"}]"
c replay "$T/conclude-text.json"
expect_err "conclude refuses a key it would ignore" 1 "step 4 (conclude): unknown key 'text'"

scenario tick-key '[{"at": "2023-05-03", "do": "tick", "proposal": 1}]'
c replay "$T/tick-key.json"
expect_err "tick takes no proposal" 1 "step 1 (tick): unknown key 'proposal'"

scenario shared-type '[{"at": "2023-05-03", "do": "propose", "body": "NAC", "title": "T", "shared": "yes"}]'
c replay "$T/shared-type.json"
expect_err "propose refuses 'shared' that is not a boolean" 1 "'shared' must be a boolean"

scenario title-type '[{"at": "2023-05-03", "do": "propose", "body": "NAC", "title": 7}]'
c replay "$T/title-type.json"
expect_err "propose refuses a title that is not a string" 1 "'title' must be a string"

scenario refused-hides "[$BASE, {\"do\": \"respond\", \"proposal\": \"\$p\", \"member\": \"DE\", \"postion\": \"concur\", \"refused\": \"\"}]"
c replay "$T/refused-hides.json"
expect_err "an expected refusal does not excuse an unknown key" 1 "unknown key 'postion'"

scenario refused-type '[{"at": "2023-05-03", "do": "propose", "body": "NOPE", "title": "T", "refused": true}]'
c replay "$T/refused-type.json"
expect_err "'refused' must be the text of the expected reason" 1 "'refused' must be a string"

scenario no-do '[{"at": "2023-05-03", "body": "NAC"}]'
c replay "$T/no-do.json"
expect_err "a step without 'do' is refused" 1 "missing 'do'"

scenario bad-do '[{"at": "2023-05-03", "do": "ballot"}]'
c replay "$T/bad-do.json"
expect_err "an unknown 'do' lists the known ones" 1 "unknown action 'ballot' (expected propose, respond"

# --- the file itself ------------------------------------------------------
scenario top-typo '[{"at": "2023-05-03", "do": "tick"}]' '"titel": "x"'
c replay "$T/top-typo.json"
expect_err "an unknown top-level key is refused" 1 "unknown key 'titel'"

scenario nato '[{"at": "2023-05-03", "do": "tick"}]' '"dataset": "nato"'
c replay "$T/nato.json"
expect_rc "dataset 'nato' on the NATO store is honoured" 0

scenario other '[{"at": "2023-05-03", "do": "tick"}]' '"dataset": "osce"'
c replay "$T/other.json"
expect_err "a scenario for another dataset is refused" 1 "written for dataset 'osce', but the store holds alliance 'NATO'"

scenario dataset-type '[{"at": "2023-05-03", "do": "tick"}]' '"dataset": 1'
c replay "$T/dataset-type.json"
expect_err "a dataset that is not a string is refused" 1 "'dataset' must be a string"

# a small dataset of another alliance: its scenarios name it, NATO's are refused
cat >"$T/mini-data.json" <<'EOF'
{"dataset": "mini", "alliance": {"id": "MINI", "name": "Mini Alliance", "source": "test"},
 "members": [{"code": "AD", "name": "Andorra", "accession": "2000-01-01", "source": "test"}],
 "bodies": [{"id": "C", "name": "Council", "rule": "consensus", "procedure": "meeting",
             "established": "2000-01-01", "membership": [{"kind": "all"}], "source": "test"}],
 "partners": [], "offices": []}
EOF
scenario mini '[{"at": "2023-05-03", "do": "propose", "body": "C", "title": "T"}]' '"dataset": "mini"'
c replay "$T/mini.json" --dataset "$T/mini-data.json"
expect_rc "a scenario naming the store's alliance is honoured" 0
c replay "$ROOT/scenarios/tokyo-2023.json" --dataset "$T/mini-data.json"
expect_err "the Tokyo case is refused on another alliance's store" 1 "written for dataset 'nato', but the store holds alliance 'MINI'"

c init --at 2023-01-01
before=$(fingerprint)
c replay "$T/outcom.json" --db "$COUNCIL_DB"
expect_rc "a strictness refusal on a real store exits 1" 1
check "and records nothing" test "$before" = "$(fingerprint)"
c replay "$ROOT/scenarios/tokyo-2023.json" --db "$COUNCIL_DB"
expect_rc "the Tokyo case still replays on a store" 0

scenario refused-other '[{"at": "2023-05-03", "do": "propose", "as": "p", "body": "NAC", "title": "T"},
 {"do": "respond", "proposal": "$p", "member": "JP", "position": "concur", "refused": "a reason never given"}]'
c replay "$T/refused-other.json"
expect_err "a refusal for another reason quotes that reason whole" 1 "refused, but the reason 'proposal 1 (electorate frozen on 2023-05-03): JP"
