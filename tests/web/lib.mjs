// lib.mjs - helpers for the page's browser tests (tests/web/*.test.mjs):
// a real `council serve --web web/dist` over a fresh seeded store (the
// store and tokens come from tests/http/lib.mjs), and Debian's chromium
// driven headless by playwright-core from web/node_modules.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, makeStore, onHang } from '../http/lib.mjs';

export { COUNCIL, makeStore, api, isoIn, council } from '../http/lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = process.env.COUNCIL_WEB || join(root, 'web', 'dist');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const require = createRequire(join(root, 'web', 'package.json'));
export const { chromium } = require('playwright-core');

if (!existsSync(join(WEB_DIST, 'index.html')))
  throw new Error(`${WEB_DIST}/index.html is missing: run "npm run build" in web/`);

// tests/http/lib.mjs's server, with the page served from WEB_DIST (and its
// idle timeout, 60 s: see startServer).
export function startWebServer(db, { threads = 4, timeout = 60 } = {}) {
  return startServer(db, { threads, timeout, web: WEB_DIST });
}

// What a page waits for comes in well under a second on an idle machine;
// the margin is for a machine running two checks at once (an 8 s wait for
// the blocking analysis once ran out there).
const WAIT_MS = 20000;
const CLOSE_MS = 60000;

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-quic', '--no-first-run'];

// The one failed request the page makes on purpose: a proposal out of
// sight answers 404 (exactly as one that does not exist), and the page
// shows "No proposal N here"; chromium logs the 404 as a console error.
const expected404 = (m) => /status of 404/.test(m.text())
  && /\/api\/v1\/proposals\/\d+\/events$/.test(m.location()?.url || '');

// The requests a page has under way, but the tab's event stream
// (web/src/live.js), which stays open: with it, Playwright's 'networkidle'
// never comes, so networkQuiet() below stands in for it.
const STREAM_PATH = '/api/v1/events/stream';
function watchRequests(page) {
  const inFlight = new Set();
  page.on('request', (q) => { if (new URL(q.url()).pathname !== STREAM_PATH) inFlight.add(q); });
  page.on('requestfinished', (q) => inFlight.delete(q));
  page.on('requestfailed', (q) => inFlight.delete(q));
  page.councilInFlight = inFlight;
}

// Wait until nothing but the event stream has been under way for quietMs
// (as 'networkidle' does for all requests), failing after timeoutMs.
export async function networkQuiet(page, { quietMs = 500, timeoutMs = 30000 } = {}) {
  const inFlight = page.councilInFlight;
  if (!inFlight) throw new Error('networkQuiet: a page made by launchBrowser().newPage() only');
  const end = Date.now() + timeoutMs;
  for (let since = Date.now(); Date.now() - since < quietMs;) {
    if (Date.now() > end) throw new Error(`requests still under way: ${[...inFlight].map((q) => q.url()).join(', ')}`);
    if (inFlight.size) since = Date.now();
    await new Promise((res) => setTimeout(res, 50));
  }
}

// A promise, or an error naming `what` after ms: for the waits Playwright
// does not bound itself (evaluate, a new page, closing), so that a page
// or a browser that hangs fails the step that waited, in words, instead
// of holding the file until run.sh's guard cuts it off.
export async function within(ms, what, promise) {
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms / 1000} s`)), ms);
  });
  promise.catch(() => {}); // its own failure after the bound, if it comes, is no news
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

// In a page: its address, and the wait's.
const onPage = (page, what) => `${what} on ${page.url()}`;

// A browser with a fresh profile.  Pages of one context share no
// sessionStorage, so each page can sign in as a different principal.
export async function launchBrowser({ timezoneId = 'Europe/Paris', viewport = { width: 1280, height: 900 }, locale = 'en-GB', args = [] } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'council-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...args],
    timezoneId, viewport, locale, reducedMotion: 'reduce',
  });
  const errors = [];
  const track = (page, label) => {
    page.on('console', (m) => {
      if (m.type() !== 'error' || expected404(m)) return;
      errors.push(`${label}: console: ${m.text()} ${JSON.stringify(m.location())}`);
    });
    page.on('pageerror', (e) => errors.push(`${label}: page error: ${e.message}`));
    return page;
  };
  for (const p of context.pages()) await p.close();
  const forget = onHang(() => `chromium's pages: ${context.pages().map((p) => p.url()).join(', ') || 'none'}`);
  return {
    context, errors,
    async newPage(label = 'page', opts = {}) {
      const page = track(await within(WAIT_MS, `a new page (${label})`, context.newPage()), label);
      // the page in front, where it draws frames (twoFrames)
      await within(WAIT_MS, `a new page (${label}) brought to the front`, page.bringToFront());
      watchRequests(page);
      if (opts.viewport) await page.setViewportSize(opts.viewport);
      page.setDefaultTimeout(WAIT_MS);
      return page;
    },
    // A browser that has not closed after CLOSE_MS is killed (every
    // process on its profile), and the close fails saying so.
    async close() {
      forget();
      try {
        await within(CLOSE_MS, 'closing chromium', context.close());
      } catch (e) {
        try { execFileSync('pkill', ['-KILL', '-f', profile]); } catch { /* none left */ }
        throw e;
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

// What a browser test file shares: a fresh seeded store with its tokens,
// the server over it, and (unless browser: false) a browser.  Made in
// before(), closed in after().
export async function webFixture({ browser = true, timezoneId = 'Europe/Paris' } = {}) {
  const store = makeStore();
  const f = { store, tok: store.tokens };
  try {
    f.server = await startWebServer(store.db);
    f.base = f.server.base;
    if (browser) f.browser = await launchBrowser({ timezoneId });
  } catch (e) {
    await f.server?.stop();
    store.cleanup();
    throw e;
  }
  f.close = async () => {
    await f.browser?.close();
    await f.server.stop();
    store.cleanup();
  };
  return f;
}

// Sign in through the page as a person would.
export async function signIn(page, base, token) {
  await page.goto(`${base}/#/signin`);
  await page.getByLabel('Access token').fill(token);
  await page.locator('#sign-in').click();
  await page.waitForURL(/#\/proposals$/);
}

// The value a datetime-local input takes for a time `ms` from now, in the
// page's time zone.
export function localInput(page, ms) {
  return page.evaluate((d) => {
    const t = new Date(Date.now() + d);
    const p2 = (n) => String(n).padStart(2, '0');
    return `${t.getFullYear()}-${p2(t.getMonth() + 1)}-${p2(t.getDate())}T${p2(t.getHours())}:${p2(t.getMinutes())}`;
  }, ms);
}

// ---- audits and focus, shared by the browser tests ---------------------------

// axe-core (web/node_modules, pinned) and the WCAG 2.0/2.1 A and AA rules.
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// One view's audit takes under a second alone.
const AXE_MS = 60000;

// A view is drawn: its heading, nothing loading, the fonts in; on a
// proposal's page, its "who can still block it" too (asked for with its
// button, or drawn when it comes into view once asked for in the tab).
export async function settle(page) {
  // The view of the address shown, not the one before it: main.js marks
  // main with the hash whose view it has drawn (a view whose code is still
  // on its way leaves the last one's heading in place).
  await page.waitForFunction(() => document.querySelector('main')?.dataset.drawn === location.hash);
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('main .loading'));
  // The poll may draw the proposal anew at any moment (a busy machine
  // makes that likely), so the section is found again on every try,
  // never held: asked for, scrolled to, until it is drawn.
  await page.waitForFunction(() => {
    const b = document.querySelector('#blocking');
    if (!b) return true;
    document.querySelector('#blocking-show')?.click();
    b.scrollIntoView({ block: 'nearest' });
    return b.hasAttribute('data-drawn');
  }, null, { polling: 100 });
  // A section that drew its failure says which, here, rather than as a
  // selector not found 20 s later.
  const failed = await page.evaluate(() => {
    const b = document.querySelector('#blocking');
    return b?.getAttribute('data-drawn') === 'error' ? b.innerText : null;
  });
  if (failed !== null) throw new Error(`who can still block it: drawn as an error: ${failed}`);
  await page.waitForFunction(() => !document.querySelector('main .loading')
    && (!document.querySelector('#registry-offices') || document.querySelector('#registry-offices svg.map')));
  await within(WAIT_MS, onPage(page, 'the fonts'), page.evaluate(() => document.fonts.ready));
  await twoFrames(page);
}

// Two animation frames: ResizeObservers (a sideways-scrolling table's
// focusable region, ui.js tableWrap) run before a paint, so what axe sees
// next is what a reader would.  Chromium draws no frame for a page in the
// background, and headless chromium has been seen to draw none at all
// until its page was brought to the front, where a wait for a frame
// without a bound hangs for ever (a11y.test.mjs once held a CI run
// 900 s): so a page that draws none within FRAME_MS is brought to the
// front, said on stderr (a "# " line in the file's output), and given
// WAIT_MS more before the wait fails, naming the page.
const FRAME_MS = 5000;
async function twoFrames(page) {
  const two = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  try {
    return await within(FRAME_MS, 'two frames', two());
  } catch {
    process.stderr.write(`no animation frame within ${FRAME_MS / 1000} s on ${page.url()}: brought to the front\n`);
    await within(WAIT_MS, onPage(page, 'bringing the page to the front'), page.bringToFront());
  }
  await within(WAIT_MS, onPage(page, 'two animation frames, the page in front'), two());
}

// A proposal page's "who can still block it" section drawn as `state`, brought into view while waited for (it is
// asked for when it comes into view; the poll may draw the page anew).
// A view made again after settle() asked for it may have been begun
// before the ask (a fresh-clone run found the section with its button
// again, data-drawn unset): it is asked for again, as settle() does.
export const drawnAs = (page, state) => page.waitForFunction((st) => {
  const b = document.querySelector('#blocking');
  document.querySelector('#blocking-show')?.click();
  b?.scrollIntoView({ block: 'nearest' });
  return b?.getAttribute('data-drawn') === st;
}, state, { polling: 100 });

// An expression read in the page in the same turn as the check that the
// section is drawn in full (brought into view meanwhile): a redraw
// between a wait and a read would otherwise leave nothing to read (a
// locator's count or evaluateAll does not wait).
// A section drawn as an error stops the wait at once, and a wait that
// times out says what the section was (its state and its words), so that
// a failure on a busy machine says why.
export const drawnRead = async (page, expr) => {
  let handle;
  try {
    handle = await page.waitForFunction(`(() => {
      const b = document.querySelector('#blocking');
      document.querySelector('#blocking-show')?.click();
      b?.scrollIntoView({ block: 'nearest' });
      const st = b?.getAttribute('data-drawn');
      return st === 'full' ? { v: (${expr}) } : st === 'error' ? { error: b.innerText } : null;
    })()`, null, { polling: 100 });
  } catch (e) {
    const now = await page.evaluate(() => {
      const b = document.querySelector('#blocking');
      return b ? `data-drawn=${b.getAttribute('data-drawn')}: ${b.innerText.slice(0, 300)}` : 'no #blocking';
    });
    throw new Error(`${e.message}; the section: ${now}`);
  }
  const r = await handle.jsonValue();
  if ('error' in r) throw new Error(`who can still block it: drawn as an error: ${r.error}`);
  return r.v;
};

// axe on the page as it is: its serious and critical violations, and any
// heading level skipped, in words (none: []).
export async function audit(page, where) {
  if (!(await within(WAIT_MS, onPage(page, 'axe loaded?'), page.evaluate(() => typeof window.axe !== 'undefined'))))
    await within(WAIT_MS, onPage(page, 'loading axe'), page.addScriptTag({ content: AXE }));
  const r = await within(AXE_MS, onPage(page, `axe (${where})`), page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags }, rules: { 'heading-order': { enabled: true } }, resultTypes: ['violations'],
  }), TAGS));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
    .map((v) => `${where}: ${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 4)
      .map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` — ${n.any[0].message}` : ''}`).join('\n      ')}`);
}

// What has focus, in words: 'button[data-focus=act-concur] "Concur"'.
export const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  if (!a || a === document.body) return 'body';
  const key = a.getAttribute('data-focus');
  return `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}${key ? `[data-focus=${key}]` : ''} `
    + `"${(a.innerText || a.value || a.getAttribute('aria-label') || '').trim().slice(0, 40)}"`;
});

// Tab (or Shift+Tab) until the focused element matches selector.
export async function tabTo(page, selector, { back = false, max = 80 } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    seen.push(await focused(page));
  }
  assert.fail(`no ${selector} within ${max} presses of Tab; focus went: ${seen.slice(-12).join(' > ')}`);
}

export async function assertFocus(page, selector, what) {
  await page.waitForFunction((s) => document.activeElement?.matches(s), selector, { timeout: 8000 })
    .catch(() => {});
  const ok = await page.evaluate((s) => document.activeElement?.matches(s), selector);
  assert.ok(ok, `${what}: focus should be on ${selector}, is on ${await focused(page)}`);
}

// Open an action's dialog from its button (Enter), fill it by keyboard,
// confirm (Tab to the confirm button, Enter).
export async function dialogAction(page, action, fill = async () => {}) {
  await tabTo(page, `#actions [data-action="${action}"]`);
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  await fill();
  await tabTo(page, 'dialog[open] [data-focus="confirm"]');
  await page.keyboard.press('Enter');
  await page.locator('dialog').waitFor({ state: 'detached' });
}
