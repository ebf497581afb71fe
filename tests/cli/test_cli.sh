#!/bin/bash
# The command line itself: help generated from the option tables (and so
# in step with what is parsed), usage errors that name the option, ids
# that are plain numbers, messages that say what is wrong, tables aligned
# by characters, a log that summarises every event, and "exit 1 means
# nothing changed" for respond --receipt.
. "$(dirname "$0")/lib.sh"

# ---- help: generated, for every command, both ways --------------------------
c --help
expect_rc "council --help" 0
commands=$(sed -n 's/^  \([a-z]*\)  .*/\1/p' "$T/.out")
check "the overview lists the commands" test "$(echo "$commands" | wc -l)" -ge 20
for cmd in $commands; do
	c "$cmd" --help
	h1=$out
	c help "$cmd"
	if [ "$rc" = 0 ] && [ "$out" = "$h1" ] && grep -q "^usage: council $cmd" "$T/.out"
	then ok "$cmd --help = help $cmd"; else not_ok "$cmd --help = help $cmd"; fi
	# every option the help names is one the parser knows, and the reverse
	# direction holds by construction (both come from the same table)
	opts=$(printf '%s\n' "$h1" | sed -n 's/^  \(--[a-z-]*\).*/\1/p' | grep -v -e '^--help$' -e '^--db$')
	bad=""
	for o in $opts; do
		c "$cmd" "$o" x x
		grep -q "unknown option" "$T/.err" && bad="$bad $o"
	done
	check "$cmd: every option in its help is parsed" test -z "$bad"
	syn=$(printf '%s\n' "$h1" | awk 'NR > 1 && (/^  --/ || /^[A-Za-z]/) { exit } { print }' |
		grep -o -- '--[a-z-]*' | sort -u)
	listed=$(printf '%s\n' "$opts" | sort -u)
	check "$cmd: the synopsis and the option list agree" test "$syn" = "$listed"
done
c help frobnicate
expect_err "help for an unknown command is a usage error" 2 "'frobnicate' is not a council command"

c init --at 2024-01-01
c propose --body NAC --title "A" --at 2024-01-02
before=$(fingerprint)

# ---- usage errors name the option; ids are plain positive integers ----------
c respond 1 --member DE --member FR --concur
expect_err "a single-value option given twice is a usage error naming it" 2 "--member given twice"
c respond 1 --member FR --concur --concur
expect_err "a switch given twice too" 2 "--concur given twice"
c respond 1 --member FR
expect_err "respond without a position names the choices" 2 "give exactly one of --concur"
for id in " 1" "+1" "1 " "-1" "01" "1e0" "0x1" ""; do
	c respond "$id" --member FR --concur --at 2024-01-03
	expect_err "respond '$id' is refused: ids are plain positive integers" 2 "proposal id: '$id' is not a plain positive integer"
done
c show " 1"
expect_err "show ' 1' too" 2 "proposal id: ' 1' is not a plain positive integer"
c log --proposal " 1"
expect_err "log --proposal ' 1' too" 2 "--proposal: ' 1' is not a plain positive integer"
c token revoke 1x
expect_err "token revoke 1x too" 2 "token id: '1x' is not a plain positive integer"
c --db "$T/none.db" show x
expect_err "an id is checked before any store is opened" 2 "proposal id: 'x'"
c log proof x
expect_err "log proof takes a number" 2 "INDEX"
c log key --size 3
expect_err "an option of another form is a usage error" 2 "--size does not apply to 'council log key'"
c log frob
expect_err "an unknown log subcommand lists the subcommands" 2 "key, checkpoint, proof, export"
c token
expect_err "token without a subcommand lists them" 2 "issue, list, revoke"
c members --at 2024-01-01 --at 2024-01-02
expect_err "--at given twice" 2 "--at given twice"
c tick --now garbage
expect_err "tick --now garbage names --now" 1 "--now: 'garbage'"
check "and not --at" sh -c "! grep -q -- '--at' '$T/.err'"
check "usage errors changed nothing" test "$before" = "$(fingerprint)"

# ---- messages ---------------------------------------------------------------
c receipt verify "$T/no/such/receipt.json" --log-key x
expect_err "a missing receipt file is named as unreadable" 1 "$T/no/such/receipt.json: cannot read the receipt"
check "without a line and column that do not exist" sh -c "! grep -q 'line -1' '$T/.err'"
c token issue --member JP
expect_err "a partner's code given as a member's says it is a partner" 1 "JP (Japan) is a partner"
check "and how to issue its token" grep -q -- "--partner JP" "$T/.err"
c token issue --partner FR
expect_err "and the reverse" 1 "--member FR"
c token issue --member ZZ
expect_err "an unknown code stays unknown" 1 "unknown member code 'ZZ'"

# ---- several members' tokens in one call ------------------------------------
ntokens() { sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM tokens"; }
n0=$(ntokens)
c token issue --member FR --member ZZ --member US
expect_err "one unknown code among several refuses them all" 1 "unknown member code 'ZZ'"
check "and issues none" test "$(ntokens)" = "$n0"
c token issue --member FR --member JP
expect_err "a partner among members is named as one" 1 "JP (Japan) is a partner"
c token issue --member FR --member US --member FR
expect_err "a code given twice is a usage error" 2 "--member FR given twice"
check "which issues none either" test "$(ntokens)" = "$n0"
c token issue $(for i in $(seq 65); do printf -- '--member FR '; done)
expect_err "more members than a list holds" 2 "too many --member (at most 64)"
c token issue --member FR --member US --member HU --label "Three delegations"
expect_rc "three members' tokens in one call" 0
check "one line each, CODE TOKEN, in the order given" sh -c \
	"cut -d' ' -f1 '$T/.out' | tr '\n' , | grep -qx 'FR,US,HU,'"
check "each token different, in the tokens' form" sh -c \
	"test \$(cut -d' ' -f2 '$T/.out' | grep -c '^cn_[A-Za-z0-9_-]\{43\}\$') = 3 &&
	 test \$(cut -d' ' -f2 '$T/.out' | sort -u | wc -l) = 3"
check "stored, one row each, with the label" test "$(sqlite3 "$COUNCIL_DB" \
	"SELECT group_concat(principal || ':' || label) FROM (SELECT * FROM tokens
	 WHERE id > $n0 ORDER BY id)")" = "FR:Three delegations,US:Three delegations,HU:Three delegations"
check "each row keeps the SHA-256 of its own line's token" test \
	"$(sqlite3 "$COUNCIL_DB" "SELECT group_concat(lower(hex(hash)), ' ') FROM
	   (SELECT hash FROM tokens WHERE id > $n0 ORDER BY id)")" = \
	"$(cut -d' ' -f2 "$T/.out" | while read -r t; do printf %s "$t" | sha256sum | cut -d' ' -f1; done | paste -sd' ')"
c token issue --member DE --member IT --json
expect_json "--json gives an array, one object each" '[.[] | .role + " " + .code] | join(",")' "member DE,member IT"
expect_json "with each token" '[.[] | .token | startswith("cn_")] | all' true

# ---- calendar feed keys -----------------------------------------------------
c token feed 999
expect_err "no feed for a token that does not exist" 1 "no valid token with id 999"
c token feed 1 --url ftp://x
expect_err "a feed's --url is http or https" 2 "--url must begin with http:// or https://"
# A store made before feed keys: its tokens table lacks feed_of, and the
# first open for writing adds it.
M=$T/migrate.db
c --db "$M" init --at 2024-01-01
c --db "$M" token issue --role secretariat
sqlite3 "$M" "ALTER TABLE tokens DROP COLUMN feed_of"
c --db "$M" token feed 1 --url https://council.example/ --json
expect_json "a store made before feed keys gets them" .token 1
check "the subscribe URL has the server's address once, and the key" \
	sh -c "jq -r .url '$T/.out' | grep -Eq '^https://council.example/api/v1/calendar.ics[?]key=cn_[A-Za-z0-9_-]{43}\$'"
c --db "$M" token list --json
expect_json "token list shows the feed and its token" '.tokens[1].feed_of' 1
# A page at a time, by id: --limit and --after, the next page's cursor in
# --json's next and on the table's last line; the pages give each token once.
for m in FR DE IT ES NL; do "$COUNCIL" --db "$M" token issue --member "$m" >/dev/null 2>&1; done
c --db "$M" token list --json
all=$(printf '%s' "$out" | jq -c '[.tokens[].id]')
check "seven tokens, by id ($all)" test "$all" = "[1,2,3,4,5,6,7]"
paged="" after=0
for _ in 1 2 3 4 5; do
	c --db "$M" token list --limit 3 --after "$after" --json
	paged="$paged$(printf '%s' "$out" | jq -r '[.tokens[].id | tostring] | join(" ")') "
	after=$(printf '%s' "$out" | jq -r '.next // empty')
	[ -z "$after" ] && break
done
check "pages of 3 give each once, in order ($paged)" test "$paged" = "1 2 3 4 5 6 7 "
c --db "$M" token list --limit 3 --after 3
check "a table page ends with the next page's cursor" test "$(printf '%s\n' "$out" | tail -1)" = "more: --after 6"
c --db "$M" token list --limit 3 --after 6
check "the last page names none" sh -c '! grep -q "^more:" "$0"' "$T/.out"
c --db "$M" token list --limit 0
expect_err "--limit 0 is refused" 2 "--limit: '0' is not a number in 1..1000"
c --db "$M" token list --after x
expect_err "--after is a token id" 2 "--after: 'x' is not a number"

# ---- tables: headers, widths in characters ----------------------------------
col() { # col LINE TEXT: the character column where TEXT starts in LINE
	local pre=${1%%"$2"*}
	LC_ALL=C.UTF-8 bash -c 'p=$1; echo ${#p}' _ "$pre"
}
c members --at 2024-01-01
check "members has a header" grep -q '^code  *name  *accession' "$T/.out"
be=$(grep '^BE ' "$T/.out"); tr=$(grep '^TR ' "$T/.out")
check "Türkiye's row lines up with Belgium's" test "$(col "$be" 1949-08-24)" = "$(col "$tr" 1952-02-18)"
c offices --all
check "offices has a header" grep -q '^id  *city  *country' "$T/.out"
md=$(grep 'Chișinău' "$T/.out"); ua=$(grep '^nidc-kyiv' "$T/.out")
check "Chișinău's row lines up with Kyiv's" test "$(col "$md" " MD ")" = "$(col "$ua" " UA ")"
c proposals
check "proposals has a header" grep -q '^id  *body  *procedure  *status  *title' "$T/.out"
c partners
check "partners has a header" grep -q '^code  *name  *since  *status  *framework' "$T/.out"
c bodies
check "bodies has a header" grep -q '^id  *name  *rule  *procedure  *members' "$T/.out"
check "no line ends in blanks" sh -c "! grep -q ' $' '$T/.out'"

# ---- the log summarises registry events, from the event-type table ----------
c log
check "member admitted: code, name, date" grep -q 'member.admitted .* BE Belgium, member from 1949-08-24$' "$T/.out"
check "body established" grep -q 'body.established .* NAC North Atlantic Council, rule consensus' "$T/.out"
check "office opened" grep -q 'office.opened .* nlo-moldova Chișinău MD' "$T/.out"
check "partner added" grep -q 'partner.added .* JP Japan, in partners-across-the-globe' "$T/.out"
check "the alliance founded" grep -q 'alliance.founded .* NATO North Atlantic Treaty Organization' "$T/.out"
check "proposal events keep their summary" grep -q 'proposal.created .* "A"$' "$T/.out"
c log --proposal 1
check "log --proposal keeps that proposal's events only" test "$(grep -c . "$T/.out")" = 1

# ---- the log a page at a time: --limit, and the --from that follows ---------
total=$(sqlite3 "$COUNCIL_DB" "SELECT count(*) FROM events")
c log --limit 5
check "log --limit 5: five events, then the next page's start" \
	test "$(grep -c '#' "$T/.out")" = 5 -a "$(tail -1 "$T/.out")" = "more: --from 6"
c log --from 6 --limit 5
check "from there: events 6 to 10, then --from 11" \
	sh -c "head -1 '$T/.out' | grep -q '#6 ' && test \"\$(tail -1 '$T/.out')\" = 'more: --from 11'"
c log --from $((total - 2)) --limit 5
check "a last page says no more" sh -c "test \$(grep -c '#' '$T/.out') = 3 && ! grep -q '^more' '$T/.out'"
c log --limit 2 --json
check "--json: stdout holds the events only, the cursor on stderr" \
	sh -c "test \$(grep -c . '$T/.out') = 2 && jq -e .seq '$T/.out' >/dev/null"
check "... which names it" grep -q 'more events follow: --from 3' <<<"$err"
c propose --body NAC --title "Paged" --at 2024-01-02
pid=$out
c respond "$pid" --member FR --concur --at 2024-01-02
c respond "$pid" --member DE --concur --at 2024-01-02
c log --proposal "$pid" --limit 2
check "log --proposal --limit: the proposal's first two events, then its next" \
	sh -c "test \$(grep -c '#' '$T/.out') = 2 && tail -1 '$T/.out' | grep -q '^more: --from '"
next=$(tail -1 "$T/.out" | awk '{print $3}')
c log --proposal "$pid" --from "$next"
check "which reads the rest of that proposal's events only" \
	sh -c "test \$(grep -c '#' '$T/.out') = 1 && grep -q 'DE concur' '$T/.out'"
c log --limit 0
expect_err "--limit 0 is refused" 2 "--limit: '0' is not a plain positive integer"

# ---- respond on an open procedure says it is open --------------------------
c propose --body NAC --title "S" --procedure silence --deadline 2024-02-01 --at 2024-01-02
sid=$out
c respond "$sid" --member FR --concur --at 2024-01-03
expect_rc "a concurrence under silence" 0
check "says silence holds so far" grep -q "proposal $sid: open: silence holds so far; deadline 2024-02-01" "$T/.out"
check "and does not say adopted" sh -c "! grep -q adopted '$T/.out'"
c respond 1 --member FR --reserve --at 2024-01-03
check "an open meeting gives its verdict so far" grep -q "proposal 1: open; so far pending: reservation by FR" "$T/.out"
c extend "$sid" --deadline 2024-02-02 --at 2024-01-04
check "extend too" grep -q "proposal $sid: open: silence holds so far; deadline 2024-02-02" "$T/.out"

# ---- respond --receipt: exit 1 means refused, nothing changed ---------------
before=$(fingerprint)
c respond "$sid" --member DE --concur --at 2024-01-05 --receipt /nonexistent/dir/r.json
expect_err "a receipt path that cannot be written refuses the position" 1 "/nonexistent/dir/r.json: cannot write the receipt"
check "and the position is not recorded" test "$before" = "$(fingerprint)"
echo "kept" > "$T/old.json"
c respond "$sid" --member ZZ --concur --at 2024-01-05 --receipt "$T/old.json"
expect_rc "a refused position" 1
check "leaves an existing receipt file as it was" test "$(cat "$T/old.json")" = kept
c respond "$sid" --member ZZ --concur --at 2024-01-05 --receipt "$T/new.json"
check "and creates no new one" test ! -e "$T/new.json"
c respond "$sid" --member DE --concur --at 2024-01-05 --receipt "$T/old.json"
expect_rc "a recorded position with a receipt" 0
check "writes the receipt over the old file" test "$(jq -r .index "$T/old.json")" -gt 0
if [ -w /dev/full ]; then
	c respond "$sid" --member PL --concur --at 2024-01-05 --receipt /dev/full
	expect_rc "a receipt that fails after the position is recorded is not a refusal" 0
	check "and says the position is recorded" grep -q "the position is recorded, but /dev/full: cannot write the receipt" "$T/.err"
fi

# ---- how commands open the store --------------------------------------------
mv "$COUNCIL_DB.key" "$T/away.key"
for cmd in members bodies partners offices proposals "show 1" log "log key" "token list"; do
	c $cmd
	expect_rc "$cmd reads without the log's signing key (read-only)" 0
done
c propose --body NAC --title x
expect_err "a write needs the signing key, and names it" 1 "$COUNCIL_DB.key"
mv "$T/away.key" "$COUNCIL_DB.key"
head -c 4096 /dev/urandom > "$T/random.db"
c --db "$T/random.db" verify --json
expect_json "verify --json reports a store that does not open as a failed check" .ok false

# ---- serve: a port in use is said once ---------------------------------------
# A first server on a free port (another one if the port was taken), up
# when it accepts a connection and is still our process.
up=""
for _ in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 20000))
	"$COUNCIL" serve --listen "127.0.0.1:$port" --web '' --quiet 2>"$T/serve1.err" &
	spid=$!
	for _ in $(seq 100); do
		kill -0 "$spid" 2>/dev/null || break
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { up=1; break; }
		sleep 0.1
	done
	[ -n "$up" ] && break
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
done
check "a first server listens" test -n "$up"
c serve --listen "127.0.0.1:$port" --web ''
expect_err "a second server on the same port is refused" 1 "cannot listen on 127.0.0.1:$port"
check "with one message" test "$(grep -c . "$T/.err")" = 1
check "while the first still serves" kill -0 "$spid"
kill "$spid"
wait "$spid" 2>/dev/null
