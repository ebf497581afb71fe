// build.mjs - bundle the page into dist/ (served by `council serve --web`).
//   src/main.js  -> dist/app.js   (ES module, with d3-geo and topojson-client)
//   src/app.css  -> dist/app.css
//   src/index.html, src/favicon.svg -> dist/
//   world-atlas countries-110m.json -> dist/world-110m.json (fetched by the maps)
//   Inter (latin, latin-ext) -> dist/fonts/*.woff2
// Nothing is fetched from outside at run time.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const nm = join(here, 'node_modules');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'fonts'), { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outfile: join(dist, 'app.js'),
  logLevel: 'warning',
});
await build({
  entryPoints: [join(here, 'src/app.css')],
  bundle: true,
  minify: true,
  outfile: join(dist, 'app.css'),
  external: ['fonts/*'],
  logLevel: 'warning',
});
cpSync(join(here, 'src/index.html'), join(dist, 'index.html'));
cpSync(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));
cpSync(join(nm, 'world-atlas/countries-110m.json'), join(dist, 'world-110m.json'));
for (const f of ['inter-latin-wght-normal.woff2', 'inter-latin-ext-wght-normal.woff2'])
  cpSync(join(nm, '@fontsource-variable/inter/files', f), join(dist, 'fonts', f));
console.log('web/dist: index.html app.js app.css world-110m.json favicon.svg fonts/');
