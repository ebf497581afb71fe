// build.mjs - bundle the page into dist/ (served by `council serve --web`).
//   po/en.po, po/fr.po -> src/gen/messages-en.js, messages-fr.js
//     (scripts/gen_i18n.py): the page's words, English with main.js,
//     French a chunk of its own, loaded only when French is chosen
//   src/main.js and what it imports -> dist/assets/*-[hash].js: ES modules
//     split by esbuild, one chunk per view; the map (d3-geo,
//     topojson-client) and the chart are chunks of their own, loaded when
//     a view needs them
//   src/app.css -> inlined into dist/index.html (no render-blocking request)
//   src/index.html -> dist/index.html: the page's shell (header, layout),
//     naming the hashed files, with modulepreload for main's own chunks
//     and, as JSON (#view-chunks), each view's other chunks
//   Inter (latin, latin-ext), world-atlas countries-110m.json (the maps),
//     favicon.svg -> dist/assets/*-[hash].*
// Every file under assets/ has its content's hash in its name, so the
// server sends it as immutable; index.html is the one file that changes
// in place.  Each text file gets a .br and a .gz beside it (Node's zlib,
// when smaller), which the server sends by the client's Accept-Encoding.
// Nothing is fetched from outside at run time.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');
const assets = join(dist, 'assets');
const nm = join(here, 'node_modules');

// The words of both languages (po/en.po, po/fr.po) as a module the page
// imports (src/i18n.js); the generator refuses catalogues that disagree.
const root = join(here, '..');
rmSync(join(src, 'gen'), { recursive: true, force: true });
mkdirSync(join(src, 'gen'));
execFileSync('python3', [join(root, 'scripts', 'gen_i18n.py'), 'js', join(src, 'gen'),
  join(root, 'po', 'en.po'), join(root, 'po', 'fr.po')], { stdio: 'inherit' });

// The small globe's land, coarsened here once rather than in each browser
// (src/model/land.js); map.js imports it as an asset (asset:gen/...).
const { encodeLand } = await import(pathToFileURL(join(src, 'model', 'land.js')));
writeFileSync(join(src, 'gen', 'land-globe.json'), JSON.stringify(encodeLand(
  JSON.parse(readFileSync(join(nm, 'world-atlas', 'land-110m.json'), 'utf8')))));

// The bundle carries no keys: each 'KEY' of the catalogue quoted in the
// sources becomes its English text, which t() takes in its stead (or
// ["English text", ID] when two keys share an English text, as "Concluded"
// the status and the column do), so a view's English travels in the
// view's own chunk as it did before the page had two languages, and the
// French is a table by English text (and by ID) in a chunk loaded only
// for French.  Looked up by name at run time, so kept by name
// in the bundle's messages-en.js and messages-fr.js: the keys a template
// builds (never quoted whole) and every key of a labels('PREFIX') table.
// Node (the unit tests) imports the generated modules as they are.
const words = {
  en: (await import(pathToFileURL(join(src, 'gen', 'messages-en.js')))).default,
  fr: (await import(pathToFileURL(join(src, 'gen', 'messages-fr.js')))).default,
};
const ids = new Map(Object.keys(words.en).map((k, i) => [k, i]));
const sources = (d) => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  if (p === join(src, 'gen')) return [];
  return statSync(p).isDirectory() ? sources(p) : p.endsWith('.js') ? [p] : [];
});
const QUOTED = /'([a-z][a-z0-9_.-]*[a-z0-9_-])'/g;
const texts = sources(src).map((f) => readFileSync(f, 'utf8'));
const quoted = new Set(texts.flatMap((x) => [...x.matchAll(QUOTED)].map((m) => m[1])));
const tables = new Set(texts.flatMap((x) => [...x.matchAll(/\blabels\('([a-z0-9_.-]+)'\)/g)].map((m) => `${m[1]}.`)));
const named = [...ids.keys()].filter((k) => !quoted.has(k) || [...tables].some((p) => k.startsWith(p)));
const pick = (lang) => Object.fromEntries(named.map((k) => [k, words[lang][k]]));
const count = new Map();
for (const v of Object.values(words.en)) count.set(v, (count.get(v) || 0) + 1);
const shared = (k) => count.get(words.en[k]) > 1;
const frByEnglish = Object.fromEntries([...ids.keys()].filter((k) => !shared(k))
  .map((k) => [words.en[k], words.fr[k]]));
const frById = Object.fromEntries([...ids.keys()].filter(shared).map((k) => [ids.get(k), words.fr[k]]));
const catalogue = {
  name: 'catalogue',
  setup(b) {
    b.onResolve({ filter: /\/gen\/messages-(en|fr)\.js$/ }, (a) => ({ path: basename(a.path), namespace: 'words' }));
    b.onLoad({ filter: /.*/, namespace: 'words' }, (a) => ({
      contents: a.path === 'messages-en.js' ? `export default ${JSON.stringify(pick('en'))};`
        : `export default ${JSON.stringify({ ...pick('fr'), [ID_TABLE]: frById, [TEXT_TABLE]: frByEnglish })};`,
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]web[\\/]src[\\/].*\.js$/ }, (a) => ({
      contents: readFileSync(a.path, 'utf8').replace(QUOTED, (m, k) => (!ids.has(k) ? m
        : shared(k) ? `[${JSON.stringify(words.en[k])},${ids.get(k)}]` : JSON.stringify(words.en[k]))),
      loader: 'js',
    }));
  },
};
// t()'s tables in the bundle's French (web/src/i18n.js reads the same names).
const ID_TABLE = '#';
const TEXT_TABLE = '##';

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

// `import url from 'asset:PKG/FILE'`: the file copied to assets/ under a
// hashed name; the import is its path from the importing module
// ('./NAME-HASH.EXT': resolve it with new URL(url, import.meta.url)).
// `url(fonts/NAME)` in the CSS: Inter's files, the same way.
const assetFiles = {
  name: 'asset-files',
  setup(b) {
    b.onResolve({ filter: /^asset:gen\// }, (a) => ({ path: join(src, a.path.slice(6)), namespace: 'asset' }));
    b.onResolve({ filter: /^asset:/ }, (a) => ({ path: join(nm, a.path.slice(6)), namespace: 'asset' }));
    b.onLoad({ filter: /.*/, namespace: 'asset' }, (a) => ({ contents: readFileSync(a.path), loader: 'file' }));
    b.onResolve({ filter: /^fonts\// }, (a) => ({ path: join(nm, '@fontsource-variable/inter/files', basename(a.path)) }));
  },
};
const common = {
  bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', outdir: assets,
  assetNames: '[name]-[hash]', plugins: [assetFiles, catalogue], metafile: true, charset: 'utf8',
};

// main.js is the page's entry; the views, the map and the chart are only
// imported with import(), and are entry points here too so that their
// files carry their names (assets/views/proposal-HASH.js).
const js = await build({
  ...common,
  entryPoints: [join(src, 'main.js'), join(src, 'map.js'), join(src, 'chart.js'), join(src, 'blocking.js'),
    ...readdirSync(join(src, 'views')).map((f) => join(src, 'views', f))],
  outbase: src, format: 'esm', splitting: true, target: ['es2020'],
  entryNames: '[dir]/[name]-[hash]', chunkNames: 'chunk-[hash]',
});
const css = await build({
  ...common,
  entryPoints: [join(src, 'app.css')],
  loader: { '.woff2': 'file' },
  publicPath: 'assets', // inlined in index.html: url(assets/NAME-HASH.woff2)
  write: false,
});
for (const f of css.outputFiles) if (!f.path.endsWith('.css')) writeFileSync(f.path, f.contents);
const cssText = css.outputFiles.find((f) => f.path.endsWith('.css')).text.trim();

const url = (abs) => relative(dist, abs).split('\\').join('/');
const outputs = js.metafile.outputs;
// An output's static imports, and theirs: what loads with it.
const closure = (out, seen = new Set()) => {
  for (const i of outputs[out].imports) {
    if (i.kind === 'import-statement' && !seen.has(i.path)) closure(i.path, seen.add(i.path));
  }
  return seen;
};
const [mainOut] = Object.entries(outputs).find(([, o]) => o.entryPoint === 'src/main.js');
const preload = [...closure(mainOut)];
// Each view's chunks beyond main's ({procedures: ['assets/chunk-HASH.js']}):
// main.js preloads them when the view's route starts, so they come with
// the view's code instead of one round trip after it.
const viewChunks = Object.fromEntries(Object.entries(outputs)
  .filter(([, o]) => o.entryPoint?.startsWith('src/views/'))
  .map(([out, o]) => [basename(o.entryPoint, '.js'),
    [...closure(out)].filter((c) => !preload.includes(c)).map((c) => url(join(here, c)))]));

// favicon.svg under its hash
const icon = readFileSync(join(src, 'favicon.svg'));
const iconName = `favicon-${createHash('sha256').update(icon).digest('hex').slice(0, 8).toUpperCase()}.svg`;
writeFileSync(join(assets, iconName), icon);

// The shell: each placeholder must be found exactly once.
let html = readFileSync(join(src, 'index.html'), 'utf8');
const put = (from, to) => {
  if (html.split(from).length !== 2) throw new Error(`index.html: "${from}" must appear once`);
  html = html.replace(from, () => to);
};
put('<link rel="icon" href="favicon.svg" type="image/svg+xml">',
  `<link rel="icon" href="assets/${iconName}" type="image/svg+xml">`);
put('<link rel="stylesheet" href="app.css">', `<style>${cssText}</style>`);
put('<script type="module" src="main.js"></script>',
  [`<script type="module" src="${url(join(here, mainOut))}"></script>`,
    ...preload.map((p) => `<link rel="modulepreload" href="${url(join(here, p))}">`),
    `<script type="application/json" id="view-chunks">${JSON.stringify(viewChunks)}</script>`].join('\n'));
writeFileSync(join(dist, 'index.html'), html);

// .br and .gz beside every text file, when smaller.
const TEXT = new Set(['.html', '.js', '.css', '.json', '.svg']);
const walk = (d) => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
let raw = 0;
let br = 0;
for (const f of walk(dist).filter((p) => TEXT.has(extname(p)))) {
  const data = readFileSync(f);
  const b = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  const g = gzipSync(data, { level: 9 });
  if (b.length < data.length) writeFileSync(`${f}.br`, b);
  if (g.length < data.length) writeFileSync(`${f}.gz`, g);
  raw += data.length;
  br += Math.min(b.length, data.length);
}
console.log(`web/dist: index.html and ${readdirSync(assets).length} files in assets/; `
  + `text ${Math.round(raw / 1024)} KiB, ${Math.round(br / 1024)} KiB with brotli`);
