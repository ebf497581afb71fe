// run.mjs - `make lighthouse`: Lighthouse (npm, pinned in package.json
// beside this file) with its mobile preset (a mid-range phone, slow 4G and
// a 4x slower CPU, simulated) on the page's main views, signed in as a
// delegation, on a store of more than 10,000 events, in Debian's chromium
// (/usr/bin/chromium; no browser is downloaded).  Prints the scores and
// the metrics beside the targets of docs/WEB.md, and writes each report
// to build/lighthouse/VIEW.json.
//
//   COUNCIL=build/council node tests/web/lighthouse/run.mjs
//
// Each view is measured as a first visit: the browser's cache is emptied
// before it, and the token is put in the tab's sessionStorage from the
// server's smallest answer (/healthz), so no file of the page is cached.
// Lighthouse's simulation scales the CPU time it observes, so a machine
// busy with other work scores lower: each view is measured LIGHTHOUSE_RUNS
// times (default 3) and the median run is reported (Lighthouse's own
// computeMedianRun, as its documentation advises for variability).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import lighthouse from 'lighthouse';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const COUNCIL = process.env.COUNCIL || join(root, 'build', 'council');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WEB = process.env.COUNCIL_WEB || join(root, 'web', 'dist');
const OUT = join(root, 'build', 'lighthouse');
const EVENTS = Number(process.env.LIGHTHOUSE_EVENTS || 10000);
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS || 3));

for (const [what, path] of [['council', COUNCIL], ['chromium', CHROMIUM], ['the page', join(WEB, 'index.html')]]) {
  if (!existsSync(path)) throw new Error(`${what}: ${path} is missing`);
}

const dir = mkdtempSync(join(tmpdir(), 'council-lighthouse-'));
const db = join(dir, 'council.db');
const council = (...a) => execFileSync(COUNCIL, ['--db', db, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
const eventCount = () => Number(council('verify').match(/ok: (\d+) events/)[1]);

// ---- a store with a long log ----------------------------------------------
// The dataset, the Tokyo 2023 case, then meetings of the North Atlantic
// Council where every ally concurs, until the log holds EVENTS events, and
// one silence procedure still open.
council('init');
council('replay', join(root, 'scenarios', 'tokyo-2023.json'));
const members = JSON.parse(council('members', '--body', 'NAC', '--json')).members.map((m) => m.code);
const perProposal = members.length + 2;
const n = Math.max(0, Math.ceil((EVENTS - eventCount()) / perProposal));
const day = (i) => new Date(Date.UTC(2024, 3, 1) + i * 86400e3).toISOString().slice(0, 10);
const now = Date.now();
const iso = (t) => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
// A scenario names at most a few proposals ("as"): replayed in parts.
const replay = (name, steps) => {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ scenario: name, title: 'A long log', dataset: 'nato',
    summary: 'Routine meetings, for measuring the page on a long log.', sources: [], steps }));
  council('replay', file);
};
for (let part = 0; part * 25 < n; part++) {
  const steps = [];
  for (let i = part * 25; i < Math.min(n, part * 25 + 25); i++) {
    steps.push({ at: `${day(i)}T09:00:00Z`, do: 'propose', as: `p${i}`, body: 'NAC', procedure: 'meeting',
      title: `Routine decision ${i + 1} of the Council`, text: 'The Council takes note and agrees.' });
    for (const m of members) steps.push({ do: 'respond', proposal: `$p${i}`, member: m, position: 'concur' });
    steps.push({ at: `${day(i)}T17:00:00Z`, do: 'conclude', proposal: `$p${i}` });
  }
  replay(`long-log-${part}`, steps);
}
const steps = [{ at: iso(now - 3600e3), do: 'propose', as: 'open', body: 'NAC', procedure: 'silence',
  deadline: iso(now + 30 * 86400e3), title: 'Statement on the anniversary of the Washington Treaty',
  text: 'The Council issues the statement annexed.' }];
members.slice(0, 20).forEach((m, i) => steps.push({ do: 'respond', proposal: '$open', member: m,
  position: i === 3 ? 'reserve' : 'concur', ...(i === 3 ? { text: 'Pending instructions.' } : {}) }));
replay('open', steps);
const total = eventCount();
const proposals = JSON.parse(council('proposals', '--json'));
const tokyo = proposals.find((p) => /Tokyo/.test(p.title)).id;
const open = proposals.find((p) => p.status === 'open').id;
const token = council('token', 'issue', '--member', 'FR').trim();

// ---- the server and the browser ---------------------------------------------
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const base = `http://127.0.0.1:${port}`;
const server = spawn(COUNCIL, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--web', WEB],
  { stdio: ['ignore', 'ignore', 'inherit'] });
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
  if (i > 100) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });

const VIEWS = [
  ['procedures', '/proposals', true],
  ['proposal-tokyo', `/proposals/${tokyo}`, true],
  ['proposal-open', `/proposals/${open}`, true],
  ['bodies', '/bodies', false],
  ['registry-members', '/registry/members', false],
  ['analysis', '/bodies/NAC/analysis', false],
];
const TARGET = { performance: 95, accessibility: 100, lcp: 2000, cls: 0.05, bytes: 120 * 1024 };

async function audit(path) {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('Network.clearBrowserCache');
  await page.goto(`${base}/healthz`);
  await page.evaluate((t) => { sessionStorage.clear(); sessionStorage.setItem('council.token', t); }, token);
  const r = await lighthouse(`${base}/#${path}`, {
    output: 'json', logLevel: 'error', disableStorageReset: true,
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
  }, undefined, page);
  await page.close();
  return r.lhr;
}

mkdirSync(OUT, { recursive: true });
const rows = [];
let missed = 0;
try {
  for (const [name, path, targeted] of VIEWS) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await audit(path));
    const lhr = computeMedianRun(runs);
    const perfs = runs.map((x) => Math.round(x.categories.performance.score * 100));
    writeFileSync(join(OUT, `${name}.json`), JSON.stringify(lhr, null, 1));
    const a = lhr.audits;
    const row = {
      name, path, targeted, version: lhr.lighthouseVersion,
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      bestPractices: Math.round(lhr.categories['best-practices'].score * 100),
      fcp: a['first-contentful-paint'].numericValue,
      lcp: a['largest-contentful-paint'].numericValue,
      tbt: a['total-blocking-time'].numericValue,
      cls: a['cumulative-layout-shift'].numericValue,
      si: a['speed-index'].numericValue,
      bytes: a['total-byte-weight'].numericValue,
      requests: a['network-requests'].details.items.length,
      perfs,
    };
    const miss = [];
    if (row.performance < TARGET.performance) miss.push(`performance ${row.performance} < ${TARGET.performance}`);
    if (row.accessibility < TARGET.accessibility) miss.push(`accessibility ${row.accessibility}`);
    if (row.lcp >= TARGET.lcp) miss.push(`LCP ${(row.lcp / 1000).toFixed(2)} s`);
    if (row.cls >= TARGET.cls) miss.push(`CLS ${row.cls.toFixed(3)}`);
    if (name.startsWith('proposal') && row.bytes >= TARGET.bytes) miss.push(`${Math.round(row.bytes / 1024)} KB`);
    row.miss = targeted ? miss : [];
    if (targeted) missed += miss.length;
    rows.push(row);
  }
} finally {
  browser.disconnect();
  await chrome.kill();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

const pad = (s, w) => String(s).padEnd(w);
const lpad = (s, w) => String(s).padStart(w);
console.log(`Lighthouse ${rows[0]?.version} mobile preset (simulated slow 4G, 4x CPU), ${CHROMIUM}, `
  + `signed in as FR, a store of ${total} events, first visits, the median of ${RUNS} run(s) per view`);
console.log(`${pad('view', 18)}${lpad('perf', 5)}${lpad('a11y', 5)}${lpad('bp', 5)}${lpad('FCP s', 7)}`
  + `${lpad('LCP s', 7)}${lpad('TBT ms', 8)}${lpad('CLS', 7)}${lpad('SI s', 6)}${lpad('KB', 6)}${lpad('req', 5)}  targets`);
for (const r of rows) {
  console.log(`${pad(r.name, 18)}${lpad(r.performance, 5)}${lpad(r.accessibility, 5)}${lpad(r.bestPractices, 5)}`
    + `${lpad((r.fcp / 1000).toFixed(2), 7)}${lpad((r.lcp / 1000).toFixed(2), 7)}${lpad(Math.round(r.tbt), 8)}`
    + `${lpad(r.cls.toFixed(3), 7)}${lpad((r.si / 1000).toFixed(2), 6)}${lpad(Math.round(r.bytes / 1024), 6)}`
    + `${lpad(r.requests, 5)}  ${r.targeted ? (r.miss.length ? `MISSED: ${r.miss.join(', ')}` : 'met') : '-'}`
    + `${RUNS > 1 ? ` (runs: ${r.perfs.join(' ')})` : ''}`);
}
console.log(`targets (procedures and proposal pages): performance >= ${TARGET.performance}, accessibility `
  + `${TARGET.accessibility}, LCP < ${TARGET.lcp / 1000} s, CLS < ${TARGET.cls}, a proposal page's first visit `
  + `< ${TARGET.bytes / 1024} KB; reports in ${OUT}/`);
process.exitCode = missed ? 1 : 0;
