#!/bin/bash
# test_manpage.sh - --help, the parser, council(1) and the bash completion
# name the same options, command by command, so none can drift.
#
# For every command `council --help` lists: the options its --help lists
# are each accepted by the parser (given with a value when --help shows
# one, then an unknown option, which must be the one refused), are each in
# the command's section of the man page as groff renders it and are the
# only ones there, and are what bash offers after `council CMD --` with the
# completion script sourced (per subcommand, for a command that has them).
# The man page and the completion are what `council help --man` and
# `--completion bash` print, which meson installs (test_install.sh).
. "$(dirname "$0")/lib.sh"

run "$COUNCIL" --help
mapfile -t cmds < <(printf '%s\n' "$out" |
	sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
check "council --help lists the commands (${#cmds[@]})" test "${#cmds[@]}" -ge 20

run "$COUNCIL" help --man
expect_rc "council help --man" 0
cp "$T/.out" "$T/council.1"
run groff -man -Tascii -P-bou -rLL=200n -ww "$T/council.1"
check "the man page renders without a warning" test "$rc" = 0 -a -z "$err"
cp "$T/.out" "$T/man.txt"
MANWIDTH=80 man -l "$T/council.1" >"$T/man80.txt" 2>"$T/man.err"
check "man -l renders it without a warning" \
	test "$?" = 0 -a ! -s "$T/man.err" -a -s "$T/man80.txt"
check "the man page's options print as ASCII (--db, not a minus sign)" \
	grep -q -- '--db STORE' "$T/man80.txt"

run "$COUNCIL" help --completion bash
expect_rc "council help --completion bash" 0
cp "$T/.out" "$T/completion.bash"
check "the completion script is valid bash" bash -n "$T/completion.bash"

# complete WORD... : what the completion offers for the last word, sorted,
# one a line
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _council
		printf "%s\n" "${COMPREPLY[@]}" | sort -u' _ "$T/completion.bash" "$@"
}

check "completion: the commands after council" \
	test "$(complete_words council '' | grep -v '^help$')" = \
	"$(printf '%s\n' "${cmds[@]}" | sort -u)"

# the man page's section of command $1: its option lines' names
man_opts() {
	awk -v c="   council $1" '
		$0 == c { on = 1; next }
		on && /^   council / { exit }
		on && /^[A-Z]/ { exit }
		on && /^       --/ { print $1 }' "$T/man.txt" | sort -u
}

for k in "${cmds[@]}"; do
	run "$COUNCIL" "$k" --help
	cp "$T/.out" "$T/help"
	# "  --name ARG   help" lines; the common ones (--db, --help) aside
	mapfile -t lines < <(grep -E '^  --[a-z]' "$T/help" | grep -vE '^  --(db|help) ')
	help_opts=$(printf '%s\n' "${lines[@]}" | awk '{print $1}' | sort -u)
	bad=""
	for l in "${lines[@]}"; do
		read -r o arg _ <<<"$l"
		case $arg in [A-Z]* | secretariat | *'|'*) o="$o=x" ;; esac
		run "$COUNCIL" "$k" "$o" --zz-no-such-option
		grep -qF "unknown option '--zz-no-such-option'" "$T/.err" || bad="$bad $o"
	done
	check "$k: the parser takes every option --help lists" test -z "$bad"
	[ -n "$bad" ] && echo "    not taken:$bad"
	got=$(man_opts "$k")
	check "$k: its man section lists the options of --help" \
		test "$got" = "$help_opts"
	[ "$got" = "$help_opts" ] || diff <(echo "$got") <(echo "$help_opts") | sed 's/^/    /'
	# completion: the options of the command alone and of each subcommand,
	# which together are --help's
	subs=$(sed -n 's/^\(usage:\|      \) council '"$k"' \([a-z][a-z]*\)\( .*\)\?$/\2/p' "$T/help" | sort -u)
	offered=$(for s in "" $subs; do complete_words council "$k" $s --; done |
		grep -vxE -- '--(db|help)' | sort -u)
	check "$k: the completion offers the options of --help" \
		test "$offered" = "$help_opts"
	[ "$offered" = "$help_opts" ] || diff <(echo "$offered") <(echo "$help_opts") | sed 's/^/    /'
done

# a few completions whose answer is known from the tables' meaning
check "completion: person's subcommands" \
	test "$(complete_words council person '' | tr '\n' ' ')" = "add disable list passkeys "
check "completion: person add's options" \
	grep -qx -- --password-file <(complete_words council person add --)
check "completion: token's subcommands" \
	test "$(complete_words council token '' | tr '\n' ' ')" = "feed issue list revoke "
check "completion: --role's one value" \
	test "$(complete_words council token issue --role '')" = secretariat
check "completion: --lang en|fr offers both" \
	test "$(complete_words council webhook add 1 --lang '' | tr '\n' ' ')" = "en fr "
check "completion: log proof takes --size, not --proposal" \
	test "$(complete_words council log proof --)" = "$(printf '%s\n' --db --help --size)"
mkdir -p "$T/dir/sub dir" && touch "$T/dir/data set.json"
check "completion: --dataset completes file names, spaces kept" \
	test "$(complete_words council init --dataset "$T/dir/da")" = "$T/dir/data set.json"
check "completion: --db after the command completes files" \
	test "$(complete_words council show --db "$T/dir/su")" = "$T/dir/sub dir"
check "completion: a value is not taken for the subcommand" \
	test "$(complete_words council log --from 3 '')" = "$(printf '%s\n' checkpoint export key proof)"
