// time.js - times in the viewer's time zone with UTC alongside; dates;
// countdowns to a deadline.  Formats are those of the page's language
// (i18n.js): French writes "2 décembre 2026 à 14:00".
import { h } from './dom.js';
import { currentLocale as pageLocale, t } from './i18n.js';

export const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const isUTC = /^(UTC|Etc\/UTC|Etc\/GMT|GMT)$/.test(zone);

// Dates and times are written the way the page's language writes them:
// its locale (i18n.js localeFor: the browser's own variant of it, else
// en-GB or fr-FR), set by main.js once the language is chosen.  French
// spells the month out and leaves the weekday.
let locale = 'en-GB';
let fmt = null;

// The formats of one locale, made when first needed.
function formats() {
  if (fmt) return fmt;
  const f = (o) => new Intl.DateTimeFormat(locale, o);
  const hm = { hour: '2-digit', minute: '2-digit' };
  const fr = /^fr\b/.test(locale);
  const month = fr ? 'long' : 'short';
  fmt = {
    local: f({ weekday: fr ? undefined : 'short', day: 'numeric', month, year: 'numeric', ...hm,
      timeZoneName: 'short' }),
    utcTime: f({ ...hm, timeZone: 'UTC' }),
    utcFull: f({ day: 'numeric', month, year: 'numeric', ...hm, timeZone: 'UTC' }),
    date: f({ day: 'numeric', month, year: 'numeric', timeZone: 'UTC' }),
    month: f({ month, year: 'numeric', timeZone: 'UTC' }),
  };
  return fmt;
}

// Another locale (the tests; a later choice of language).
export function setLocale(l) {
  let known = false;
  try { known = Intl.DateTimeFormat.supportedLocalesOf([l]).length > 0; } catch { /* not a language tag */ }
  locale = known ? l : 'en-GB';
  fmt = null;
}
export const currentLocale = () => locale;
setLocale(pageLocale());

// Calendar days as YYYY-MM-DD, whatever the locale: for comparing, not showing.
const localDay = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
const utcDay = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });

export function parseTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

// "Sat 28 Nov 2026, 20:39 CET" and "19:39 UTC" (with the date when it differs)
export function timeParts(iso) {
  const d = parseTime(iso);
  if (!d) return { local: String(iso ?? ''), utc: '' };
  const f = formats();
  if (isUTC) return { local: f.utcFull.format(d) + ' UTC', utc: '' };
  const same = localDay.format(d) === utcDay.format(d);
  return { local: f.local.format(d), utc: (same ? f.utcTime.format(d) : f.utcFull.format(d)) + ' UTC' };
}

// <time> with the local time and the UTC time alongside.
export function timeEl(iso, cls = 'when') {
  if (!iso) return h('span', { class: cls }, '—');
  const { local, utc } = timeParts(iso);
  return h('time', { class: cls, datetime: iso, title: iso, lang: locale },
    h('span', { class: 'local' }, local),
    utc ? h('span', { class: 'utc' }, utc) : null);
}

export function timeText(iso) {
  const { local, utc } = timeParts(iso);
  return utc ? `${local} (${utc})` : local;
}

// Dataset dates may be partial: 1949-08-24, 1980-10, 2015.
export function fmtDate(d) {
  if (!d) return '—';
  if (/^\d{4}$/.test(d)) return d;
  if (/^\d{4}-\d{2}$/.test(d)) return formats().month.format(new Date(d + '-01T00:00:00Z'));
  const t = parseTime(d.length === 10 ? d + 'T00:00:00Z' : d);
  return t ? formats().date.format(t) : d;
}

export function today() {
  return localDay.format(new Date());
}

// "2 d 04 h", "3 h 12 min 05 s", "45 s" (French: "2 j 04 h")
export function remaining(ms) {
  const day = t('web.time.day_unit');
  if (ms <= 0) return '0 s';
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hr = Math.floor(s / 3600); s -= hr * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const p2 = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d} ${day} ${p2(hr)} h ${p2(m)} min`;
  if (hr > 0) return `${hr} h ${p2(m)} min ${p2(s)} s`;
  if (m > 0) return `${m} min ${p2(s)} s`;
  return `${s} s`;
}

// A live countdown; main.js ticks every [data-countdown] once a second.
export function countdownEl(deadline, cls = 'countdown') {
  const el = h('span', { class: cls, 'data-countdown': deadline, role: 'timer', 'aria-live': 'off' });
  tickOne(el);
  return el;
}

export function tickOne(el) {
  const d = parseTime(el.getAttribute('data-countdown'));
  if (!d) return false;
  const ms = d.getTime() - Date.now();
  const txt = ms > 0 ? remaining(ms) : t('web.time.deadline_reached');
  if (el.textContent !== txt) el.textContent = txt;
  el.classList.toggle('due', ms <= 0);
  el.classList.toggle('soon', ms > 0 && ms < 3600e3);
  return ms <= 0;
}

export function tickAll() {
  let due = false;
  for (const el of document.querySelectorAll('[data-countdown]')) due = tickOne(el) || due;
  return due;
}

// <input type=datetime-local> value (local wall time) <-> ISO UTC "Z"
export function localInputToISO(v) {
  if (!v) return null;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoToLocalInput(iso) {
  const d = parseTime(iso);
  if (!d) return '';
  const p2 = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
}
