#!/usr/bin/env python3
"""gen_i18n.py - council's message catalogues (po/*.po) made into tables.

  gen_i18n.py c OUT.c OUT.h po/en.po po/fr.po   the C table (meson)
  gen_i18n.py js DIR po/en.po po/fr.po          the page's: DIR/messages-en.js
                                                and DIR/messages-fr.js (web/build.mjs)
  gen_i18n.py typography < LINES                French typography, line by line

The catalogues are gettext .po files (msgfmt --check reads them) whose
msgid is a key ("web.nav.procedures", "cal.summary.adopted") and whose
msgstr is the text in that file's language; po/en.po holds the English,
po/fr.po the French, and both hold every key.  A placeholder is {name},
the same in C and on the page; the two languages of a key must name the
same placeholders.  Keys starting "web." go to the page only, "cli.", "mail." and
"cal." to the C table only, any other (the shared words: procedures,
outcomes, positions) to both.  A key ending ".one" or ".other" is one form
of a count: the page picks it with Intl.PluralRules.

French typography is applied here, to every French text, so a translator
types plain spaces and quotes: a narrow no-break space (U+202F) before
: ; ! ? and inside << >> guillemets, and the typographic apostrophe.

Refused, naming the file and line: a key in one catalogue only, a key
twice, placeholders that differ, msgctxt or plural forms (gettext's;
counts use the key suffixes above), an empty translation, two keys that
make the same C name.  Standard library only.
"""
import json
import re
import sys

NNBSP = "\u202f"
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


class PoError(Exception):
    pass


def unquote(text, where):
    """The value of one "..." line of a .po file."""
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', text.strip())
    if not m:
        raise PoError("%s: expected a quoted string" % where)
    out, body, i = [], m.group(1), 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            e = body[i + 1]
            if e not in ESCAPES:
                raise PoError("%s: unknown escape \\%s" % (where, e))
            out.append(ESCAPES[e])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_po(path):
    """{key: text} of one catalogue, in file order, and its header."""
    entries, order = {}, []
    cur, field, line_of = None, None, {}

    def finish():
        if cur is None:
            return
        if "msgid" not in cur or "msgstr" not in cur:
            raise PoError("%s:%d: an entry needs msgid and msgstr"
                          % (path, cur["line"]))
        key = cur["msgid"]
        if key == "":
            entries[""] = cur["msgstr"]  # the header
            return
        if not KEY.fullmatch(key):
            raise PoError("%s:%d: '%s' is not a key (lower-case words "
                          "joined by dots)" % (path, cur["line"], key))
        if key in entries:
            raise PoError("%s:%d: '%s' is given twice (first at line %d)"
                          % (path, cur["line"], key, line_of[key]))
        if cur["msgstr"] == "":
            raise PoError("%s:%d: '%s' has no text" % (path, cur["line"], key))
        entries[key] = cur["msgstr"]
        line_of[key] = cur["line"]
        order.append(key)

    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            where = "%s:%d" % (path, n)
            if not line.strip():
                finish()
                cur, field = None, None
                continue
            if line.startswith("#"):
                continue
            m = re.match(r"(msgctxt|msgid_plural|msgstr\[\d+\]|msgid|msgstr)\s+(.*)", line)
            if m:
                word = m.group(1)
                if word not in ("msgid", "msgstr"):
                    raise PoError("%s: %s is not used here (keys, and .one/.other "
                                  "for counts)" % (where, word))
                if word == "msgid":
                    finish()
                    cur = {"line": n}
                elif cur is None:
                    raise PoError("%s: msgstr without msgid" % where)
                field = word
                cur[field] = unquote(m.group(2), where)
            elif line.lstrip().startswith('"') and field:
                cur[field] += unquote(line, where)
            else:
                raise PoError("%s: not a .po line" % where)
    finish()
    header = entries.pop("", None)
    if header is None or "charset=UTF-8" not in header:
        raise PoError("%s: the header must say charset=UTF-8" % path)
    return {k: entries[k] for k in order}, line_of


def french(text):
    """French typography on text: U+202F before : ; ! ? (replacing the
    space a typist left there, or added where there was none) and inside
    guillemets, and the typographic apostrophe.  A colon inside a word or
    a number (14:00, http://) is left alone: a mark gets its space only
    when a space, the end of the text, or a closing quote follows it."""
    text = text.replace("'", "\u2019")
    text = re.sub(r"[ \u00a0\u202f]*([;:!?])(?=[\s\u00bb\"]|$)", NNBSP + r"\1", text)
    text = re.sub(r"\u00ab[ \u00a0\u202f]*", "\u00ab" + NNBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*\u00bb", NNBSP + "\u00bb", text)
    return text


def load(en_path, fr_path):
    """{'en': {...}, 'fr': {...}}, checked against each other."""
    en, en_lines = parse_po(en_path)
    fr, fr_lines = parse_po(fr_path)
    problems = []
    for k in en:
        if k not in fr:
            problems.append("%s:%d: '%s' has no French (%s)" % (en_path, en_lines[k], k, fr_path))
        elif set(PLACEHOLDER.findall(en[k])) != set(PLACEHOLDER.findall(fr[k])):
            problems.append("%s:%d: '%s' names placeholders %s in French but %s in English"
                            % (fr_path, fr_lines[k], k,
                               sorted(set(PLACEHOLDER.findall(fr[k]))),
                               sorted(set(PLACEHOLDER.findall(en[k])))))
    for k in fr:
        if k not in en:
            problems.append("%s:%d: '%s' has no English (%s)" % (fr_path, fr_lines[k], k, en_path))
    for lang, cat in (("en", en), ("fr", fr)):
        for k, v in cat.items():
            for m in re.finditer(r"[{}]", PLACEHOLDER.sub("", v)):
                problems.append("%s: '%s' (%s): a brace that is not a {name} placeholder"
                                % (en_path if lang == "en" else fr_path, k, lang))
                break
    if problems:
        raise PoError("\n".join(problems))
    return {"en": en, "fr": {k: french(v) for k, v in fr.items()}}


def c_string(text):
    """A C string literal of text's UTF-8 bytes (octal escapes: they never
    swallow the character after them)."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        out.append(c if 32 <= b < 127 and c not in '"\\?' else "\\%03o" % b)
    return '"' + "".join(out) + '"'


def c_name(key):
    return "CN_M_" + re.sub(r"[^A-Za-z0-9]", "_", key).upper()


def write_c(cats, out_c, out_h):
    keys = [k for k in cats["en"] if not k.startswith("web.")]
    names = {}
    for k in keys:
        n = c_name(k)
        if n in names:
            raise PoError("'%s' and '%s' both make %s" % (names[n], k, n))
        names[n] = k
    guard = "CN_I18N_MSGS_H"
    with open(out_h, "w", encoding="utf-8") as h:
        h.write("/* Generated by scripts/gen_i18n.py from po/en.po and po/fr.po: do not edit. */\n")
        h.write("#ifndef %s\n#define %s\n\nenum cn_msg {\n" % (guard, guard))
        for k in keys:
            h.write("\t%s, /* %s */\n" % (c_name(k), k))
        h.write("\tCN_MSG_COUNT\n};\n\n")
        h.write("/* [language][message]: enum cn_lang (i18n.h) by enum cn_msg. */\n")
        h.write("extern const char *const cn_msg_table[2][CN_MSG_COUNT];\n")
        h.write("/* Each message's key, as in the .po files. */\n")
        h.write("extern const char *const cn_msg_keys[CN_MSG_COUNT];\n\n#endif\n")
    with open(out_c, "w", encoding="utf-8") as c:
        c.write("/* Generated by scripts/gen_i18n.py from po/en.po and po/fr.po: do not edit. */\n")
        c.write('#include "i18n_msgs.h"\n\n')
        c.write("const char *const cn_msg_keys[CN_MSG_COUNT] = {\n")
        for k in keys:
            c.write("\t%s,\n" % c_string(k))
        c.write("};\n\nconst char *const cn_msg_table[2][CN_MSG_COUNT] = {\n")
        for lang in ("en", "fr"):
            c.write("\t{ /* %s */\n" % lang)
            for k in keys:
                c.write("\t\t%s,\n" % c_string(cats[lang][k]))
            c.write("\t},\n")
        c.write("};\n")


def write_js(cats, out_dir):
    """One module per language, so a page in English never loads the
    French (web/src/i18n.js imports it only when French is chosen)."""
    for lang, cat in cats.items():
        page = {k: v for k, v in cat.items() if not k.startswith(("cli.", "cal.", "mail."))}
        with open("%s/messages-%s.js" % (out_dir, lang), "w", encoding="utf-8") as f:
            f.write("// Generated by scripts/gen_i18n.py from po/en.po and po/fr.po: do not edit.\n")
            f.write("export default %s;\n" % json.dumps(page, ensure_ascii=False, indent=0))


def main(argv):
    try:
        if len(argv) == 2 and argv[1] == "typography":
            for line in sys.stdin:
                sys.stdout.write(french(line.rstrip("\n")) + "\n")
        elif len(argv) == 6 and argv[1] == "c":
            write_c(load(argv[4], argv[5]), argv[2], argv[3])
        elif len(argv) == 5 and argv[1] == "js":
            write_js(load(argv[3], argv[4]), argv[2])
        else:
            sys.exit(__doc__.split("\n\n")[0])
    except (PoError, OSError) as e:
        sys.exit("gen_i18n.py: %s" % e)


if __name__ == "__main__":
    main(sys.argv)
