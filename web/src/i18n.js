// i18n.js - the page's two languages, English and French: which one is
// shown, and its words.  The words are the message catalogues po/en.po and
// po/fr.po (the same keys as the C program's), made into
// gen/messages-en.js and gen/messages-fr.js by scripts/gen_i18n.py when the
// page is built (build.mjs); French typography (a narrow no-break space
// before : ; ! ? and inside guillemets) is already in the French texts.
// In the bundle each key the code names is already its English text
// (build.mjs), in the chunk of the code that names it; French is a chunk
// of its own, loaded by loadLang() only when French is chosen, so the
// English page carries no French bytes.  Node (the tests) reads the
// generated modules as they are, by key.
//
// The language, first that gives one: the one chosen with the page's
// switch (kept in localStorage), the signed-in user's (item 7: user
// accounts will pass it to chooseLang as `user`; there are none yet), the
// browser's preferences (navigator.languages) in order, else English.
// Choosing another language reloads the page: every view and the shell
// are drawn again in it, and the session (sessionStorage) stays.
// Nothing here touches storage when loaded (the model/ modules import
// this one, and Node imports them): main.js calls initLang() at start-up;
// until then the language is English.
import en from './gen/messages-en.js';

const messages = { en, fr: null };

export const LANGS = ['en', 'fr'];
// The locale whose date and time formats go with a language when the
// browser's own preference is not a variant of it.
const DEFAULT_LOCALE = { en: 'en-GB', fr: 'fr-FR' };
const STORE_KEY = 'council.lang';

// 'fr-CA' -> 'fr'; null for a language the page does not have.
export function langOf(tag) {
  const l = String(tag || '').toLowerCase().split(/[-_.]/)[0];
  return LANGS.includes(l) ? l : null;
}

// {user, stored, browser: [...]} -> 'en' | 'fr' (order: header comment).
export function chooseLang({ stored, user, browser = [] } = {}) {
  return langOf(stored) || langOf(user) || browser.map(langOf).find(Boolean) || 'en';
}

// The locale of dates and times for lang: the browser's first preference
// in that language (en-US keeps its month-first dates), else the default.
export function localeFor(lang, browser = []) {
  return browser.find((b) => langOf(b) === lang) || DEFAULT_LOCALE[lang];
}

function storedLang() {
  try { return globalThis.localStorage?.getItem(STORE_KEY) || null; } catch { return null; }
}
// The browser's preferences, best first; none in Node before 21 (tests).
const browserLangs = () => {
  const n = globalThis.navigator;
  return [...(n?.languages || (n?.language ? [n.language] : []))];
};

let lang = 'en';

// The page's language from the switch's choice and the browser's: once,
// when the page starts (main.js).
export function initLang() {
  lang = chooseLang({ stored: storedLang(), browser: browserLangs() });
}

export const currentLang = () => lang;
export const currentLocale = () => localeFor(lang, browserLangs());

// The words of the chosen language, loaded: main.js waits for it before
// drawing anything.
export async function loadLang() {
  if (lang === 'fr' && !messages.fr) messages.fr = (await import('./gen/messages-fr.js')).default;
}

// For the tests in Node (no localStorage, no reload).
export async function useLang(l) {
  if (!langOf(l)) throw new Error(`useLang: '${l}' is not one of ${LANGS.join(', ')}`);
  lang = langOf(l);
  await loadLang();
}

// The switch: remember the choice and draw the page again in it.
export function chooseAndReload(l) {
  try { localStorage.setItem(STORE_KEY, l); } catch { /* private mode: this visit only */ }
  location.reload();
}

// The text of key in the current language.  The bundle passes the English
// text instead of a key, or [English text, ID] when two keys share that
// text (build.mjs): the French then comes from the French chunk's tables
// by text ('##') or by ID ('#').  A key missing from the catalogue is a
// programming error (tests/web/unit/i18n.test.mjs checks every key the
// page names): it shows as the key itself rather than as nothing.
function lookup(key) {
  const fr = lang === 'fr' ? messages.fr : null;
  if (Array.isArray(key)) return fr?.['#'][key[1]] ?? key[0];
  if (key in messages.en) return fr?.[key] ?? messages.en[key];
  return fr?.['##']?.[key] ?? key;
}

// That text with its {name} placeholders filled from params.
export function t(key, params) {
  const text = lookup(key);
  if (!params) return text;
  return text.replace(/\{([a-z_][a-z0-9_]*)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// A member's or partner's name in the page's language: the record's on
// the English page (the registry names them in English); in French the
// locale's name of its ISO 3166 code (Intl.DisplayNames: DE is
// "Allemagne"), else the record's.
let regionNames = null;
export function countryName(code, name) {
  if (lang === 'en' || !/^[A-Z]{2}$/.test(code || '')) return name || code;
  try {
    regionNames ??= new Intl.DisplayNames([currentLocale()], { type: 'region', fallback: 'none' });
    return regionNames.of(code) || name || code;
  } catch {
    return name || code;
  }
}

// {value: label} tables (ui.js's POSITION_LABEL...) read through the
// catalogue at each use, so a table made when a module loads still
// follows the language: labels({ concur: 'position.concur' }).concur is
// t('position.concur'), undefined for a value the table does not name;
// Object.entries lists the table's values in its order.  Each key is
// written out whole, never built, so the build can find it (build.mjs).
export function labels(table) {
  const known = (k) => typeof k === 'string' && Object.hasOwn(table, k);
  return new Proxy({}, {
    get: (_, k) => (known(k) ? t(table[k]) : undefined),
    has: (_, k) => known(k),
    ownKeys: () => Object.keys(table),
    getOwnPropertyDescriptor: (_, k) => (known(k)
      ? { value: t(table[k]), enumerable: true, configurable: true } : undefined),
  });
}
