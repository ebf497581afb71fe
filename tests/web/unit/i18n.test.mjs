// i18n.test.mjs - the two languages' catalogues (po/en.po, po/fr.po) and
// the page's use of them (web/src/i18n.js):
//   - both files are valid gettext catalogues (msgfmt --check) holding the
//     same keys (msgcmp, both ways): Debian's gettext tools, not ours;
//   - each key names the same {placeholders} in both languages (read from
//     msgcat's normalised output);
//   - scripts/gen_i18n.py refuses catalogues that disagree, naming the key;
//   - its French typography: U+202F before : ; ! ? and inside guillemets;
//   - every key the page's code names exists;
//   - the language chosen (switch, browser), its date locale, filling.
// Needs the page built once (make web), which writes web/src/gen/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PO = { en: join(root, 'po', 'en.po'), fr: join(root, 'po', 'fr.po') };
const GEN = join(root, 'scripts', 'gen_i18n.py');
const NNBSP = '\u202f';

// {key: text} of a catalogue, as msgcat writes it: one line per string.
function catalogue(file) {
  const out = execFileSync('msgcat', ['--no-wrap', '--no-location', file], { encoding: 'utf8' });
  const unq = (s) => JSON.parse(s.replace(/\\(?!["\\nt])/g, '\\\\'));
  const cat = {};
  const re = /^msgid (".*")\nmsgstr (".*")$/gm;
  for (let m; (m = re.exec(out));) if (unq(m[1])) cat[unq(m[1])] = unq(m[2]);
  return cat;
}
const placeholders = (s) => [...s.matchAll(/\{([a-z_][a-z0-9_]*)\}/g)].map((m) => m[1]).sort();

test('both catalogues are valid gettext files (msgfmt --check)', () => {
  for (const f of Object.values(PO)) {
    const r = spawnSync('msgfmt', ['--check', '-o', '/dev/null', f], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /warning/, `${f}: ${r.stderr}`);
  }
});

test('every key exists in both languages (msgcmp, both ways)', () => {
  for (const [a, b] of [[PO.en, PO.fr], [PO.fr, PO.en]]) {
    const r = spawnSync('msgcmp', ['--use-untranslated', a, b], { encoding: 'utf8' });
    assert.equal(r.status, 0, `msgcmp ${a} ${b}: ${r.stderr}`);
  }
  const en = catalogue(PO.en);
  const fr = catalogue(PO.fr);
  assert.ok(Object.keys(en).length > 150, 'the catalogue was read');
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
});

test('each key names the same placeholders in both languages, and no French text is the key', () => {
  const en = catalogue(PO.en);
  const fr = catalogue(PO.fr);
  for (const k of Object.keys(en)) {
    assert.deepEqual(placeholders(fr[k]), placeholders(en[k]), `${k}: "${fr[k]}" / "${en[k]}"`);
    assert.notEqual(fr[k], k, `${k} has a text`);
  }
});

// A copy of the catalogues with one change, given to the generator.
function generate(change) {
  const dir = mkdtempSync(join(tmpdir(), 'council-po-'));
  try {
    copyFileSync(PO.en, join(dir, 'en.po'));
    writeFileSync(join(dir, 'fr.po'), change(readFileSync(PO.fr, 'utf8')));
    return spawnSync('python3', [GEN, 'js', dir, join(dir, 'en.po'), join(dir, 'fr.po')],
      { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the generator refuses a key missing in French, placeholders that differ, a key twice', () => {
  const ok = generate((s) => s);
  assert.equal(ok.status, 0, ok.stderr);
  const missing = generate((s) => s.replace(/^msgid "web\.nav\.bodies"\nmsgstr ".*"\n/m, ''));
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /en\.po:\d+: 'web\.nav\.bodies' has no French/);
  const renamed = generate((s) => s.replace('msgstr "Délégation : {name}"', 'msgstr "Délégation : {nom}"'));
  assert.notEqual(renamed.status, 0);
  assert.match(renamed.stderr, /fr\.po:\d+: 'web\.who\.member' names placeholders \['nom'\] in French but \['name'\]/);
  const twice = generate((s) => `${s}\nmsgid "web.nav.bodies"\nmsgstr "Encore"\n`);
  assert.notEqual(twice.status, 0);
  assert.match(twice.stderr, /fr\.po:\d+: 'web\.nav\.bodies' is given twice \(first at line \d+\)/);
});

test('French typography: U+202F before : ; ! ? and inside guillemets, the apostrophe; times and URLs untouched', () => {
  const cases = [
    ['Règle : consensus', `Règle${NNBSP}: consensus`],
    ['Règle: consensus', `Règle${NNBSP}: consensus`, 'a missing space is added'],
    ['Vraiment ? Oui ! Bien ; fin :', `Vraiment${NNBSP}? Oui${NNBSP}! Bien${NNBSP}; fin${NNBSP}:`],
    ['{outcome} : {title}', `{outcome}${NNBSP}: {title}`],
    ['« cn_ » ou «x»', `«${NNBSP}cn_${NNBSP}» ou «${NNBSP}x${NNBSP}»`],
    ["l'accord d'Istanbul", 'l\u2019accord d\u2019Istanbul'],
    ['à 14:00, http://x/?a=1', 'à 14:00, http://x/?a=1', 'a colon inside a time or a URL'],
    [`déjà${NNBSP}: fait`, `déjà${NNBSP}: fait`, 'typography already there is kept once'],
  ];
  const out = execFileSync('python3', [GEN, 'typography'], { input: cases.map((c) => c[0]).join('\n') + '\n' })
    .toString().split('\n');
  cases.forEach(([input, want, why], i) => assert.equal(out[i], want, why || input));
});

// The page's module, as the build made it (make web).
const messages = {
  en: (await import('../../../web/src/gen/messages-en.js')).default,
  fr: (await import('../../../web/src/gen/messages-fr.js')).default,
};
const i18n = await import('../../../web/src/i18n.js');

test('the page gets every key but the C program\'s own, the French typeset', () => {
  const en = catalogue(PO.en);
  const page = Object.keys(en).filter((k) => !/^(cli|cal|mail)\./.test(k)).sort();
  assert.deepEqual(Object.keys(messages.en).sort(), page);
  assert.deepEqual(Object.keys(messages.fr).sort(), page);
  for (const [k, v] of Object.entries(messages.fr)) {
    assert.doesNotMatch(v, / [:;!?](\s|$)/, `${k}: a plain space before a mark`);
    assert.doesNotMatch(v, /'/, `${k}: a straight apostrophe`);
  }
  assert.equal(messages.fr['web.procs.if_now'], `Si l\u2019on concluait maintenant${NNBSP}:`);
});

// Every key the page's code names: it writes each out whole, quoted (a
// call, a labels() table, a ternary), never builds one, so web/build.mjs
// can put its English in the chunk that uses it.
const files = (d) => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  if (n === 'gen') return [];
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.js') ? [p] : [];
});
test('every key the page names is in the catalogue', () => {
  const used = new Set();
  for (const f of files(join(root, 'web', 'src'))) {
    const src = readFileSync(f, 'utf8');
    // web.* is the page's own; a shared word (position.concur) is told
    // from an event type (position.stated) by the catalogue
    for (const m of src.matchAll(/'([a-z]+\.[a-z0-9_.-]*[a-z0-9_-])'/g)) {
      if (m[1].startsWith('web.') || m[1] in messages.en) used.add(m[1]);
    }
    assert.doesNotMatch(src, /\btr?\(`/, `${f}: a key built with a template`);
  }
  assert.ok(used.size > 300, `keys found in the code: ${used.size}`);
  for (const k of used) assert.ok(k in messages.en, `${k} is used but not in po/en.po`);
  const unused = Object.keys(messages.en).filter((k) => !used.has(k));
  assert.deepEqual(unused, [], 'every key of the page is used');
});

test('the language: the switch\'s choice, else the browser\'s first we have, else English', () => {
  assert.equal(i18n.chooseLang({}), 'en');
  assert.equal(i18n.chooseLang({ browser: ['fr-FR', 'en'] }), 'fr');
  assert.equal(i18n.chooseLang({ browser: ['de-DE', 'fr-CH', 'en'] }), 'fr', 'German is skipped');
  assert.equal(i18n.chooseLang({ browser: ['de-DE'] }), 'en');
  assert.equal(i18n.chooseLang({ stored: 'en', browser: ['fr-FR'] }), 'en', 'the switch wins');
  assert.equal(i18n.chooseLang({ stored: 'xx', browser: ['fr-FR'] }), 'fr', 'a stored value we lack is ignored');
  assert.equal(i18n.chooseLang({ user: 'fr', browser: ['en-GB'] }), 'fr', "a user's language (item 7) before the browser's");
  assert.equal(i18n.chooseLang({ stored: 'en', user: 'fr' }), 'en');
  assert.equal(i18n.localeFor('fr', ['en-US', 'fr-CA']), 'fr-CA', "the browser's own French");
  assert.equal(i18n.localeFor('fr', ['en-US']), 'fr-FR');
  assert.equal(i18n.localeFor('en', ['fr-FR', 'en-US']), 'en-US');
  assert.equal(i18n.localeFor('en', []), 'en-GB');
});

test('t fills placeholders in the chosen language; labels follow it', async () => {
  try {
    await i18n.useLang('en');
    assert.equal(i18n.t('web.who.member', { name: 'France' }), 'Delegation of France');
    const pos = i18n.labels({ concur: 'position.concur', object: 'position.object' });
    assert.equal(pos.concur, 'Concur');
    assert.equal(pos.nonsense, undefined);
    await i18n.useLang('fr');
    assert.equal(i18n.t('web.who.member', { name: 'France' }), 'Délégation\u202f: France');
    assert.equal(pos.concur, 'Accord', 'the same table, read again');
    assert.deepEqual(Object.entries(pos), [['concur', 'Accord'], ['object', 'Objection']]);
    assert.ok('concur' in pos && !('silent' in pos));
    assert.equal(i18n.t('web.procs.rule', {}), `règle${NNBSP}: {rule}`, 'a placeholder not given shows');
    assert.equal(i18n.t('no.such.key'), 'no.such.key');
    await assert.rejects(i18n.useLang('de'), /'de' is not one of en, fr/);
  } finally {
    await i18n.useLang('en');
  }
});
