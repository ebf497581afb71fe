#!/bin/bash
# test_webhook.sh - `council webhook add|list|revoke|deliveries` on a real
# store: made for a token with its secret shown once, bad input refused
# naming the option with nothing stored, listed without the secret,
# reminder offsets (--remind) checked and shown, revoked once, dead with
# its token, copied by migrate.  Deliveries are
# the server's (tests/http/webhooks.test.mjs).
. "$(dirname "$0")/lib.sh"

hooks() { sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM webhooks"; }

c init
c token issue --member FR
c token issue --partner JP
c token feed 1

c webhook add 1 --url http://127.0.0.1:9/x
expect_err "a loopback URL is refused, naming --url" 2 "--url: host '127.0.0.1' is a loopback address"
c webhook add 1 --url ftp://example.org/x
expect_err "an ftp URL is refused" 2 "only http and https"
c webhook add 1 --url https://example.org/x --types proposal.made
expect_err "an unknown event type is refused, named" 2 "'proposal.made' is no event type"
for bad in 24 1w 0s 31d 2h,120m 1h,2h,3h,4h,5h -1h 2h,; do
	c webhook add 1 --url https://example.org/x --remind "$bad"
	expect_err "--remind $bad is refused, naming it" 2 "--remind: "
done
c webhook add 1
expect_err "--url is required" 2 "--url URL"
c webhook add 9 --url https://example.org/x
expect_err "an unknown token owns none" 1 "no valid token with id 9"
c webhook add 3 --url https://example.org/x
expect_err "a feed key owns none" 1 "no valid token with id 3"
check "nothing stored" test "$(hooks)" = 0

c webhook add 1 --url https://example.org/hook --types proposal.created,procedure.concluded
expect_rc "add" 0
secret=$out
check "the secret is printed once, on stdout" grep -qE '^whsec_[A-Za-z0-9_-]{43}$' "$T/.out"
check "stored as given" test "$(sqlite3 "$COUNCIL_DB" "SELECT secret FROM webhooks WHERE id = 1")" = "$secret"
c webhook add 2 --url http://10.0.0.7/hook --allow-local --json
expect_json "--allow-local takes a private address" .url "http://10.0.0.7/hook"
expect_json "it starts at the log's end" .cursor "$(sqlite3 "$COUNCIL_DB" "SELECT max(seq) FROM events")"

c webhook add 1 --url https://example.org/remind --remind 90s,1d,2h --json
expect_json "--remind: largest first, in whole units" .remind "24h,2h,90s"
check "--remind: stored in seconds" test "$(sqlite3 "$COUNCIL_DB" "SELECT remind FROM webhooks WHERE id = 3")" = "86400,7200,90"
c webhook revoke 3
expect_rc "revoke the reminding one" 0

c webhook list --json
expect_json "list: both" '.webhooks | map(.id) | join(",")' "1,2"
expect_json "list: their count, and no page after" '"\(.count) \(.next)"' "2 null"
expect_json "list: no reminders by default" '.webhooks[0].remind' ""
expect_json "list: the owner's role and code" '.webhooks[1].role + " " + .webhooks[1].code' "partner JP"
expect_json "list: the filter" '.webhooks[0].types' "proposal.created,procedure.concluded"
check "list: never the secret" test "$(printf '%s' "$out" | grep -c whsec_)" = 0
c webhook list
check "list: a table" grep -q "https://example.org/hook" "$T/.out"
check "list: the table's first row, field by field" \
	test "$(awk 'NR == 2 { print $1, $2, $3, $4, $6, $7, $8 }' "$T/.out")" = \
	"1 1 member FR $(sqlite3 "$COUNCIL_DB" "SELECT cursor FROM webhooks WHERE id = 1") proposal.created,procedure.concluded https://example.org/hook"
check "list: no 'more' line on the last page" test "$(grep -c '^more:' "$T/.out")" = 0

# A page at a time, by id (--limit, --after), as token list: pages of
# one give the two in order, each table naming the next page's cursor
# as its --json does; then the edges.
c webhook list --limit 1 --json
expect_json "page 1: the first, and the cursor" '"\(.webhooks | map(.id) | join(",")) \(.count) \(.next)"' "1 1 1"
c webhook list --limit 1
check "page 1's table names the next page" grep -qx "more: --after 1" "$T/.out"
c webhook list --limit 1 --after 1 --json
expect_json "page 2: the second, the last" '"\(.webhooks | map(.id) | join(",")) \(.next)"' "2 null"
c webhook list --after 2 --json
expect_json "past the last: none" '"\(.count) \(.next)"' "0 null"
c webhook list --limit 0
expect_err "--limit 0 is refused" 2 "--limit: '0' is not a number in 1..1000"
c webhook list --limit 1001
expect_err "--limit 1001 is refused" 2 "--limit: '1001' is not a number in 1..1000"
c webhook list --after x
expect_err "--after x is refused" 2 "--after: 'x' is not a number"
# The largest cursor the API takes is the CLI's too; one past it is not.
c webhook list --after 9223372036854775807 --json
expect_json "--after INT64_MAX: past the last, none" '"\(.count) \(.next)"' "0 null"
c webhook list --after 9223372036854775808
expect_err "--after past INT64_MAX is refused" 2 "--after: '9223372036854775808' is not a number in 0..9223372036854775807"

c webhook deliveries 1 --json
expect_json "no delivery yet" length 0
c webhook deliveries 1 --limit 0
expect_err "--limit is checked" 2 "--limit"

c webhook revoke 1
expect_rc "revoke" 0
c webhook revoke 1
expect_err "revoked once" 1 "no live webhook with id 1"
c token revoke 2
c webhook list --json
expect_json "dead with its token" .count 0

# serve --webhook-attempts is bounded, and refused before anything starts.
for n in 0 31 many; do
	c serve --listen 127.0.0.1:0 --webhook-attempts "$n"
	expect_err "serve --webhook-attempts $n is refused, naming it" 2 \
		"--webhook-attempts: '$n' is not a number in 1..30"
done

# Copied by migrate (tests/cli/test_migrate.sh: both ways, delivering),
# revoked ones too, which it says, and that the secrets came along.
c webhook add 1 --url https://example.org/again
c migrate --from "$COUNCIL_DB" --to "$T/copy.db"
expect_err "migrate copies the webhooks and says the secrets came along" 0 \
	"the webhooks' secrets were copied"
check "all four, the revoked three too" grep -q "4 webhooks (0 notices, 0 deliveries)" "$T/.out"
check "secrets and all, row for row" test \
	"$(sqlite3 "$COUNCIL_DB" "SELECT * FROM webhooks ORDER BY id")" = \
	"$(sqlite3 "$T/copy.db" "SELECT * FROM webhooks ORDER BY id")"

# A store whose webhooks were made before reminders (no remind column):
# migrate reads it (read-only: nothing added) as having none; the copy has
# the column, and a writable open gives the old store one too.
cp "$COUNCIL_DB" "$T/old.db"
cp "$COUNCIL_DB.key" "$T/old.db.key"
sqlite3 "$T/old.db" "ALTER TABLE webhooks DROP COLUMN remind"
c migrate --from "$T/old.db" --to "$T/copy2.db"
expect_rc "migrate reads webhooks from before reminders" 0
check "all four of them" grep -q "4 webhooks" "$T/.out"
check "the source was not changed" test \
	"$(sqlite3 "$T/old.db" "SELECT count(*) FROM pragma_table_info('webhooks') WHERE name = 'remind'")" = 0
check "the copy has none" test "$(sqlite3 "$T/copy2.db" "SELECT group_concat(remind, '|') FROM webhooks")" = "|||"
c --db "$T/old.db" webhook list --json
expect_json "a writable open adds the column: none" '.webhooks[0].remind' ""

# E-mail subscriptions (docs/MAIL.md): --email instead of --url, checked
# as the API checks it, stored as a mailto URI with its language, no
# secret shown; serve's --smtp options refused before anything starts.
c token issue --member US
us=$(sqlite3 "$COUNCIL_DB" "SELECT max(id) FROM tokens")
n0=$(hooks)
for bad in 'no-at-sign' 'a@b@example.org' '"q"@example.org' 'fr@[127.0.0.1]' \
	".fr@example.org" "fr@-x.example" "$(printf 'fr@x.example\r\nBcc: y@z.example')"; do
	c webhook add "$us" --email "$bad"
	expect_err "--email '$bad' is refused, naming it" 2 "field '--email': "
done
c webhook add "$us" --email fr@delegation.example --lang de
expect_err "--lang de is refused" 2 "--lang: en or fr, not 'de'"
c webhook add "$us" --url https://example.org/x --lang fr
expect_err "--lang goes with --email" 2 "--lang goes with --email"
c webhook add "$us" --url https://example.org/x --email fr@delegation.example
expect_err "not both" 2 "--url URL or --email ADDR"
check "nothing stored" test "$(hooks)" = "$n0"
c webhook add "$us" --email 'fr+council@delegation.example' --lang fr --remind 2h --json
expect_rc "add --email" 0
expect_json "no secret for an e-mail" 'has("secret")' "false"
expect_json "stored as a mailto URI with its language" .url \
	"mailto:fr%2Bcouncil@delegation.example?Content-Language=fr"
mid=$(printf '%s' "$out" | jq -r .id)
c webhook deliveries "$mid" --json
expect_json "its delivery log: empty" length 0
c webhook list --json
expect_json "list: an e-mail's address and language" \
	'.webhooks | map(select(.id == '"$mid"')) | .[0].email + " " + .[0].lang' "fr+council@delegation.example fr"
c webhook add "$us" --email us@delegation.example
expect_rc "add --email, text" 0
check "prints its id" grep -qE '^[0-9]+$' "$T/.out"

c serve --listen 127.0.0.1:0 --smtp smtp://user:pw@127.0.0.1:25 --mail-from council@nac.example
expect_err "serve --smtp refuses credentials in the URL" 1 "--smtp: no user or password in the URL"
c serve --listen 127.0.0.1:0 --smtp http://127.0.0.1:25 --mail-from council@nac.example
expect_err "serve --smtp takes smtp or smtps" 1 "--smtp: the scheme is smtp or smtps"
c serve --listen 127.0.0.1:0 --smtp smtp://127.0.0.1:25
expect_err "serve --smtp needs --mail-from" 1 "--smtp needs --mail-from"
c serve --listen 127.0.0.1:0 --smtp smtp://127.0.0.1:25 --mail-from 'not an address'
expect_err "serve --mail-from is checked" 1 "field '--mail-from'"
c serve --listen 127.0.0.1:0 --mail-from council@nac.example
expect_err "--mail-from needs --smtp" 1 "need --smtp"
c serve --listen 127.0.0.1:0 --smtp smtp://127.0.0.1:25 --mail-from council@nac.example --smtp-auth "$T/none"
expect_err "--smtp-auth: a file that is not there" 1 "--smtp-auth: cannot read"
c serve --listen 127.0.0.1:0 --smtp smtp://127.0.0.1:25 --mail-from council@nac.example --smtp-ca "$T/none"
expect_err "--smtp-ca: a file that is not there" 1 "--smtp-ca: cannot read"
printf 'no colon here\n' >"$T/badauth"
c serve --listen 127.0.0.1:0 --smtp smtp://127.0.0.1:25 --mail-from council@nac.example --smtp-auth "$T/badauth"
expect_err "--smtp-auth: USER:PASSWORD" 1 "is USER:PASSWORD"
