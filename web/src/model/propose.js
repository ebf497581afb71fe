// model/propose.js - the new-proposal form's decisions, from what was
// typed: the request body and what to correct, each effect checked, the
// advisory treaty-area flag, an office id made from its city.  Pure (no
// DOM): views/propose.js reads the fields and draws, the Node unit tests
// import it.  A problem is [field key, message]; the view maps the key to
// its field's id.
import { TROPIC_OF_CANCER } from './registry.js';
import { t } from '../i18n.js';

// 'São Paulo' -> 'sao-paulo'
export function slug(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

// Latitude and longitude as typed -> [lon, lat], or null unless both are
// numbers in range.
export function parseCoords(latText, lonText) {
  const la = parseFloat(latText);
  const lo = parseFloat(lonText);
  return Number.isFinite(la) && Number.isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180 ? [lo, la] : null;
}

// The advice shown while an office is typed (the server decides):
// {area: 'out', reasons} | {area: 'in', reasons: []} | {area: null} when
// too little is known.  country: ISO code or ''; coords: [lon, lat] or null.
export function treatyAreaAdvice(country, coords, memberCodes, names) {
  const reasons = [];
  if (country && !memberCodes.has(country)) {
    reasons.push(t('web.check.not_member', { name: names.get(country) || country }));
  }
  if (coords && coords[1] < TROPIC_OF_CANCER) reasons.push(t('web.check.south'));
  if (reasons.length) return { area: 'out', reasons };
  return { area: country && coords ? 'in' : null, reasons };
}

// The procedures a proposal may be put under (docs/api.yaml, ProposeRequest).
export const PROCEDURES = ['meeting', 'silence', 'ratification', 'vote', 'written'];
// Those that run to a deadline (required, in the future), and what the
// deadline is called (in English; the form and its messages take their
// words from the catalogue, web.new.deadline_name.* and web.check.*).
export const DEADLINE_NAME = { silence: 'silence deadline', written: 'deadline for written votes' };
// Those held at a meeting, which take its level and place.
const AT_MEETING = new Set(['meeting', 'vote']);

// The request body of POST /proposals from the form's values
// {body, title, text, procedure, shared, deadline (ISO or null), level,
// place, rule ('' for the body's own), concerned (a member code or ''),
// ruleConcerned (the rule is applied without the State concerned), breaks
// (silence: a list to send, or null for the body's own)}; now:
// milliseconds since the epoch.  -> {request, problems}
export function proposalRequest(v, now) {
  const problems = [];
  const request = { body: v.body, title: v.title.trim(), procedure: v.procedure, shared: v.shared };
  if (!request.title) problems.push(['title', t('web.check.title')]);
  if (v.text.trim()) request.text = v.text.trim();
  const deadlineName = DEADLINE_NAME[request.procedure];
  if (deadlineName) {
    const written = request.procedure === 'written';
    if (!v.deadline) {
      problems.push(['deadline',
        t(written ? 'web.check.choose_deadline.written' : 'web.check.choose_deadline.silence')]);
    } else if (Date.parse(v.deadline) <= now) {
      problems.push(['deadline',
        t(written ? 'web.check.future_deadline.written' : 'web.check.future_deadline.silence')]);
    }
    else request.deadline = v.deadline;
  }
  if (AT_MEETING.has(request.procedure)) {
    if (v.level) request.level = v.level;
    if (v.place?.trim()) request.place = v.place.trim();
  }
  if (request.procedure === 'silence' && v.breaks) request.breaks = v.breaks;
  // Ratification needs every member whatever the rule: no rule is sent.
  if (request.procedure !== 'ratification' && v.rule) {
    request.rule = v.rule;
    if (v.ruleConcerned) {
      if (v.concerned) request.concerned = v.concerned;
      else problems.push(['concerned', t('web.check.concerned')]);
    }
  }
  return { request, problems };
}

// ---- effects: the fields as typed -> {effect} or {error: [key, message]} --------------

export function openOfficeEffect(f) {
  const e = {
    type: 'open-office', id: f.id.trim(), name: f.name.trim(), city: f.city.trim(), country: f.country.trim(),
    kind: f.kind,
  };
  for (const [k, key] of [['name', 'web.check.office_give.name'], ['city', 'web.check.office_give.city'],
    ['country', 'web.check.office_give.country']]) {
    if (!e[k]) return { error: [k, t(key)] };
  }
  if (!/^[A-Z]{2}$/.test(e.country)) return { error: ['country', t('web.check.office_country')] };
  if (!/^[a-z0-9][a-z0-9-]*$/.test(e.id)) return { error: ['id', t('web.check.office_id')] };
  const la = f.lat.trim();
  const lo = f.lon.trim();
  if (la || lo) {
    if (!parseCoords(f.lat, f.lon)) {
      return { error: ['lat', t('web.check.office_coords')] };
    }
    e.lat = String(+(+la).toFixed(4));
    e.lon = String(+(+lo).toFixed(4));
  }
  if (f.opened) e.opened = f.opened;
  return { effect: e };
}

export function closeOfficeEffect(office) {
  if (!office) return { error: ['office', t('web.check.close_office')] };
  return { effect: { type: 'close-office', id: office } };
}

export function admitMemberEffect(f) {
  const e = { type: 'admit-member', code: f.code.trim().toUpperCase(), name: f.name.trim(), effective: f.effective };
  if (!/^[A-Z]{2}$/.test(e.code)) return { error: ['code', t('web.check.admit_code')] };
  if (!e.name) return { error: ['name', t('web.check.admit_name')] };
  if (!e.effective) return { error: ['effective', t('web.check.admit_date')] };
  return { effect: e };
}

export function addPartnerEffect(f) {
  const e = { type: 'add-partner', code: f.code.trim().toUpperCase(), name: f.name.trim(), framework: f.framework };
  if (!e.code) return { error: ['code', t('web.check.partner_code')] };
  if (!e.name) return { error: ['name', t('web.check.partner_name')] };
  if (f.since) e.since = f.since;
  return { effect: e };
}
