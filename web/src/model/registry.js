// model/registry.js - what the registry's tabs show, computed from the
// API's answers: the date a tab is read at, partners by framework, the
// offices' state on a date, their markers and their status in words.
// Pure (no DOM): views/registry.js and views/bodies.js draw it, the Node
// unit tests import it.
import { fmtDate } from '../time.js';
import { countryName, currentLang, labels, t } from '../i18n.js';

// The treaty area's southern limit (North Atlantic Treaty, Art. 6), in
// degrees north: the maps draw it, the form's advice checks against it.
export const TROPIC_OF_CANCER = 23.4362;

export const isDay = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '');

// The ?at= of the address when it is a day (YYYY-MM-DD), else fallback.
export const dayOr = (s, fallback) => (isDay(s) ? s : fallback);

// [[framework, [partners...]], ...] in the order first met.
export function byFramework(partners) {
  const groups = new Map();
  for (const x of partners) {
    if (!groups.has(x.framework)) groups.set(x.framework, []);
    groups.get(x.framework).push(x);
  }
  return [...groups];
}

// Every office (all) on the day at, given the offices open that day (open):
// {...office, isOpen, state: open|closed|not-yet|not-open, out, area};
// the open ones first, then by name.
export function officeRows(all, open, at) {
  const openById = new Map(open.map((o) => [o.id, o]));
  return all.map((o) => {
    const cur = openById.get(o.id);
    const ended = [o.closed, o.closed_by_succession].find((d) => d && d <= at);
    let state = 'not-open';
    if (cur) state = 'open';
    else if (ended) state = 'closed';
    else if ((o.opened || o.opened_not_before || '') > at) state = 'not-yet';
    return {
      ...o, isOpen: !!cur, state,
      out: cur ? cur.out_of_area : o.out_of_area, area: cur ? cur.treaty_area : o.treaty_area,
    };
  }).sort((a, b) => Number(b.isOpen) - Number(a.isOpen) || a.name.localeCompare(b.name));
}

// {open, out: open and out of the treaty area, other: closed or not yet open}
export function officeCounts(rows) {
  const open = rows.filter((r) => r.isOpen).length;
  return { open, out: rows.filter((r) => r.isOpen && r.out).length, other: rows.length - open };
}

// Map markers: the located offices, the open ones drawn last (on top).
export function officeMarkers(rows) {
  const located = [...rows].sort((a, b) => Number(a.isOpen) - Number(b.isOpen)).filter((r) => r.lat != null);
  return located.map((r) => ({
    lon: r.lon, lat: r.lat, key: r.id,
    cls: `${r.isOpen ? 'open' : 'closed'}${r.out ? ' out' : ''}`,
    shape: r.out ? 'diamond' : 'circle',
    title: t(r.out ? 'web.office.marker_out' : 'web.office.marker', { name: r.name, city: r.city,
      state: t(r.isOpen ? 'web.office.state_open' : r.state === 'closed' ? 'web.office.state_closed'
        : 'web.office.state_not_open') }),
  }));
}

export const OFFICE_STATE_LABEL = labels({
  open: 'web.office.label.open', closed: 'web.office.label.closed', 'not-yet': 'web.office.label.not-yet',
  'not-open': 'web.office.label.not-open',
});

export function officeStatusText(r) {
  if (r.isOpen) {
    return r.opened ? t('web.office.open_since', { date: fmtDate(r.opened) }) : t('web.office.open_unknown');
  }
  if (r.state === 'closed') {
    if (r.closed) return t('web.office.closed', { date: fmtDate(r.closed) });
    const date = fmtDate(r.closed_by_succession);
    return r.superseded_by ? t('web.office.succeeded_by', { date, by: r.superseded_by })
      : t('web.office.succeeded', { date });
  }
  if (r.state === 'not-yet') {
    return r.opened ? t('web.office.opens', { date: fmtDate(r.opened) })
      : t('web.office.opened_after', { date: fmtDate(r.opened_not_before) });
  }
  return t('web.office.not_open');
}

// The treaty-area finding (an office's `treaty_area`, English, which
// core/treaty.c writes in one of three forms) in the page's language: as
// it stands on the English page and for a form this does not know.
const AREA_FORMS = [
  [/^out of area: (\S+) is not a member state on (\S+);/,
    (m) => t('web.area.not_member', { code: m[1], date: fmtDate(m[2]) })],
  [/^out of area: south of the Tropic of Cancer/, () => t('web.area.south')],
  [/^in area: territory of (.+), a member state$/,
    (m, code) => t('web.area.member', { name: countryName(code, m[1]) })],
];
// code: the office's country, whose name the finding gives.
export function areaText(why, code) {
  if (!why || currentLang() === 'en') return why || '';
  for (const [re, say] of AREA_FORMS) {
    const m = re.exec(why);
    if (m) return say(m, code);
  }
  return why;
}
