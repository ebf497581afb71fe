#!/bin/bash
# Two languages: what council says to people in English or French, chosen
# with --lang or, as gettext reads it, the environment (LANGUAGE unless the
# locale is C, then LC_ALL, LC_MESSAGES, LANG).  French typography: a
# narrow no-break space (U+202F) before a colon.  --help and receipt
# verify's verdict too; errors and --json stay English.
. "$(dirname "$0")/lib.sh"
unset LANGUAGE LC_ALL LC_MESSAGES LANG
N=$(printf '\342\200\257') # U+202F in UTF-8, whatever this shell's locale
# ce VAR=VALUE... ARGS: council with those variables (through env, so
# bash itself never tries the locales, which this machine may lack)
ce() {
	local vars=()
	while [[ $1 == *=* ]]; do vars+=("$1"); shift; done
	run env "${vars[@]}" "$COUNCIL" "$@"
}

c init --at 2026-01-05
c propose --at 2026-01-06 --body NAC --title "Bureau de liaison" --procedure silence --deadline 2026-02-01T12:00:00Z
expect_rc "a proposal under silence" 0

c show 1
check "English without --lang or a locale" grep -q "^Proposal 1: Bureau de liaison$" "$T/.out"
check "English labels" grep -q "^  status      open; now " "$T/.out"

c --lang fr show 1
expect_rc "--lang fr" 0
check "the heading in French, a narrow no-break space before the colon" \
	grep -q "^Proposition 1${N}: Bureau de liaison$" "$T/.out"
check "labels in French, the values still in their column" grep -q "^  organe      North Atlantic Council (NAC)$" "$T/.out"
check "the rule's label" grep -q "^  procédure   silence, règle${N}: consensus$" "$T/.out"
check "the deadline's" grep -q "^  échéance    2026-02-01T12:00:00Z$" "$T/.out"
check "the history's" grep -q "^  historique$" "$T/.out"
check "no English label left" bash -c "! grep -qE '^  (body|procedure|opened|deadline|status|electorate|history) ' '$T/.out'"

c --lang=fr show 1
check "--lang=fr is the same" grep -q "^Proposition 1${N}: " "$T/.out"

ce LANG=fr_FR.UTF-8 show 1
check "LANG=fr_FR.UTF-8 alone gives French" grep -q "^Proposition 1${N}: " "$T/.out"
ce LC_ALL=fr_CA.UTF-8 LANG=en_GB.UTF-8 show 1
check "LC_ALL before LANG" grep -q "^Proposition 1${N}: " "$T/.out"
ce LC_MESSAGES=en_GB.UTF-8 LANG=fr_FR.UTF-8 show 1
check "LC_MESSAGES before LANG" grep -q "^Proposal 1: " "$T/.out"
ce LANGUAGE=de:fr:en LANG=en_GB.UTF-8 show 1
check "LANGUAGE: its first language council has" grep -q "^Proposition 1${N}: " "$T/.out"
ce LANGUAGE=fr LC_ALL=C show 1
check "LANGUAGE is not read under the C locale" grep -q "^Proposal 1: " "$T/.out"
ce LANG=de_DE.UTF-8 show 1
check "a language council does not have: English" grep -q "^Proposal 1: " "$T/.out"
ce LANG=fr_FR.UTF-8 --lang en show 1
check "--lang before the environment" grep -q "^Proposal 1: " "$T/.out"

c --lang de show 1
expect_err "--lang de is a usage error naming it" 2 "--lang: 'de' is not a language of council: en or fr"
c --lang fr-FR show 1
expect_err "--lang takes en or fr themselves" 2 "--lang: 'fr-FR'"

c --lang fr proposals
check "the table's headings in French" grep -q "^n°  organe  procédure  état  titre$" "$T/.out"
check "its rows line up under them" grep -q "^ 1  NAC     silence    open  Bureau de liaison$" "$T/.out"

c --lang fr respond 1 --member DE --reserve --at 2026-01-07
check "the verdict after a change" grep -q "^proposition 1${N}: ouverte${N}; à ce stade " "$T/.out"
c --lang fr show 1
check "a position in French words" grep -qE "^    DE  réserve   2026-01-07T00:00:00Z$" "$T/.out"
c show 1
check "and in the API's words in English" grep -qE "^    DE  reserve   2026-01-07T00:00:00Z$" "$T/.out"

c --lang fr show 1 --json
expect_json "--json keeps the API's words" .procedure silence
c --lang fr show 99
expect_err "errors stay English" 1 "proposal 99"

c propose --at 2026-01-08 --body NAC --title "Second" --procedure silence --deadline 2026-02-01T12:00:00Z
c respond 2 --member FR --object --reason "non" --at 2026-01-09
c --lang fr show 2
check "a break of silence in French" grep -q "^  rompu       le 2026-01-09T00:00:00Z par FR$" "$T/.out"
check "its outcome's label, the core's explanation left English" \
	grep -q "^  issue       blocked: FR broke silence (conclue le 2026-01-09T00:00:00Z)$" "$T/.out"
c show 2
check "the same in English" grep -q "^  broken      2026-01-09T00:00:00Z by FR$" "$T/.out"

# receipt verify: its verdict in the user's language, the reason of a
# failure (core's) left English
c log key
echo "$out" > "$T/vkey"
c propose --at 2026-01-10 --body NAC --title "Reçu"
c respond 3 --member FR --concur --at 2026-01-11 --receipt "$T/receipt.json"
expect_rc "a position with a receipt" 0
seq=$(jq -r '.event | fromjson | .seq' "$T/receipt.json")
size=$(jq -r '.checkpoint | split("\n")[1]' "$T/receipt.json")
key=$(cut -d+ -f1 "$T/vkey")
c --lang fr receipt verify "$T/receipt.json" --log-key "$T/vkey"
expect_rc "receipt verify --lang fr" 0
check "its verdict in French, French typography" grep -qx \
	"ok${N}: l’événement $seq (position.stated par delegation:FR) est dans le journal signé à la taille $size par $key" "$T/.out"
check "no English left" bash -c "! grep -qE 'event|is in the log|signed at|by ' '$T/.out'"
ce LANGUAGE=fr LANG=fr_FR.UTF-8 receipt verify "$T/receipt.json" --log-key "$T/vkey"
check "the environment gives French too" grep -q "^ok${N}: l’événement $seq " "$T/.out"
c receipt verify "$T/receipt.json" --log-key "$T/vkey"
check "English without --lang" grep -qx \
	"ok: event $seq (position.stated by delegation:FR) is in the log signed at size $size by $key" "$T/.out"
jq '.event |= sub("concur"; "object")' "$T/receipt.json" > "$T/forged.json"
c --lang fr receipt verify "$T/forged.json" --log-key "$T/vkey"
expect_err "a forged receipt: the verdict in French" 1 "council${N}: le reçu ne se vérifie pas${N}: "
check "its reason, core's, in English" grep -q "root" "$T/.err"
c receipt verify "$T/forged.json" --log-key "$T/vkey"
expect_err "and in English" 1 "council: receipt does not verify: "

c --lang
expect_err "--lang without a language names what it needs" 2 "--lang needs a language: en or fr"
c --lang fr --help
check "--help in French under --lang fr" grep -q "^usage${N}: council \[--db STORE\] \[--lang en|fr\] COMMAND" "$T/.out"
check "its commands' summaries in French" grep -q "^  respond      exprimer, changer ou lever la position d’un membre$" "$T/.out"
check "its closing paragraph" grep -q "^Les erreurs et --json restent en anglais.$" "$T/.out"
ce LANG=fr_FR.UTF-8 --help
check "the environment gives a French --help too" grep -q "^commandes${N}:$" "$T/.out"
c --help
check "English --help without --lang" grep -q "^  respond      state, change or lift a member's position$" "$T/.out"
c --lang fr respond --help
check "a command's --help in French: its paragraph" grep -q "^Enregistre la position d’une délégation sur la proposition ID et$" "$T/.out"
check "its options" grep -q "^  --concur  *donner son accord$" "$T/.out"
check "the options every command has" grep -q "^  --help  *afficher l’aide de la commande et quitter$" "$T/.out"
c --lang fr help log
check "'help CMD' too, with its forms' lines" grep -q "council log key  *la clé publique du journal (vkey)$" "$T/.out"

# Every text of every command's --help has its French, and po/en.po's
# copy of the tables' English (under the keys --help looks up) is the
# tables' own: each option's description, each form's line, each
# paragraph, each summary, compared with what --help prints in English.
# French lines are filled to 78 columns.
"$PYTHON" - "$COUNCIL" "$(dirname "$0")/../../po/en.po" >"$T/help.out" 2>&1 <<'PY'
import re, subprocess, sys
council, po = sys.argv[1], sys.argv[2]
en = {}
key = None
for line in open(po, encoding='utf-8'):
    m = re.match(r'msgid "(.*)"$', line)
    if m:
        key = m.group(1)
    m = re.match(r'msgstr "(.*)"$', line)
    if m and key and key.startswith('cli.help.'):
        en[key] = m.group(1).encode().decode('unicode_escape').encode('latin-1').decode('utf-8')
def run(*args):
    return subprocess.run([council, *args], capture_output=True, text=True, env={'PATH': '/usr/bin:/bin'}).stdout
top = run('--help')
cmds = re.findall(r'^  ([a-z]+) +(.*)$', top.split('commands:')[1].split('\n\n')[0], re.M)
bad = [] if len(cmds) > 20 else [f'{len(cmds)} commands found in --help']
checked = 0
def opts(text):
    # {'--name': description lines joined by \n}
    out, cur = {}, None
    for line in text.split('\n'):
        m = re.match(r'^  (--[a-z-]+)( [^ ]+)? +(.*)$', line)
        if m:
            cur = m.group(1)[2:]
            out[cur] = m.group(3)
        elif cur and line.startswith('    ') and line.strip():
            out[cur] += '\n' + line.strip()
        else:
            cur = None
    return out
fr_top = run('--lang', 'fr', '--help')
for name, summary in cmds:
    k = f'cli.help.{name}.summary'
    if en.get(k) != summary:
        bad.append(f'{k}: po/en.po has {en.get(k)!r}, the table {summary!r}')
    if not re.search(rf'^  {name} +(.*)$', fr_top, re.M) or summary in fr_top:
        bad.append(f'{name}: its summary is not in French')
    e, f = run(name, '--help'), run('--lang', 'fr', name, '--help')
    eo, fo = opts(e), opts(f)
    for o, d in eo.items():
        k = f'cli.help.{name}.opt.{o.replace("-", "_")}'
        k = k if k in en else f'cli.help.opt.{o.replace("-", "_")}' if o not in ('db', 'help') else f'cli.help.common.{o}'
        if en.get(k) != d:
            bad.append(f'{name} --{o}: po/en.po {k} has {en.get(k)!r}, --help prints {d!r}')
        if fo.get(o) is None or fo[o].replace('\n', ' ') == d.replace('\n', ' '):
            bad.append(f'{name} --{o}: not in French')
        checked += 1
    for k, v in en.items():
        if k.startswith((f'cli.help.{name}.about', f'cli.help.{name}.form.')):
            if v not in e:
                bad.append(f'{k}: po/en.po has {v!r}, not what --help prints')
            if v.split('\n')[0] in f:
                bad.append(f'{k}: not in French')
    for line in f.split('\n'):
        if len(line) > 78 and not re.match(r'^(usage|\s+council|  open-office)', line.replace('\u202f', ' ')):
            bad.append(f'{name}: a French line of {len(line)} columns: {line!r}')
bad += [] if checked > 150 else [f'only {checked} options checked']
print('\n'.join(bad) or 'ok')
PY
check "every --help text in French, po/en.po's copy the tables' own" grep -qx ok "$T/help.out"
[ "$(cat "$T/help.out")" = ok ] || head -20 "$T/help.out"

c --lang fr members
check "the registry's tables: headings in French" grep -q "^code  nom  *adhésion  *sortie$" "$T/.out"
c --lang fr offices --all
check "a treaty-area cell in French" grep -q "hors zone$" "$T/.out"
c offices --all
check "and in English" grep -q "out of area$" "$T/.out"
